package io.squadron.journeys.platform;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.squadron.infra.certs.TlsContexts;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.CreateCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.GetEntitlementsResponse;
import io.squadron.proto.checkout.v1.SubmitStepRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checkout's HTTP/JSON face as a browser or web client uses it ({@code checkout.proto}'s {@code
 * google.api.http} bindings), with the app's bearer token, over every instance's HTTPS address in
 * turn. A refused connection moves on to the next instance at once (the request never left); any
 * other failure is a {@link CallFailure} with the gRPC code the JSON {@code google.rpc.Status}
 * carries.
 */
public final class CheckoutHttp {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private final List<String> addresses;
  private final String token;
  private final Duration timeout;
  private final HttpClient http;
  private final AtomicInteger next = new AtomicInteger();

  /** A client of the HTTP/JSON face at {@code addresses}, trusting the platform CA. */
  public CheckoutHttp(PlatformAccess access, String service, Duration timeout) {
    requireNonNull(access, "access");
    this.addresses = access.http(service);
    this.token = access.appToken();
    this.timeout = requireNonNull(timeout, "timeout");
    try {
      this.http =
          HttpClient.newBuilder()
              .sslContext(TlsContexts.client(access.certDir(), Optional.empty()))
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code POST /v1/sessions}. */
  public CheckoutSession create(CreateCheckoutSessionRequest request) {
    return call("POST", "/v1/sessions", request, CheckoutSession.newBuilder());
  }

  /** {@code POST /v1/sessions/{session_id}/steps/{step_id}}. */
  public CheckoutSession submit(SubmitStepRequest request) {
    return call(
        "POST",
        "/v1/sessions/" + enc(request.getSessionId()) + "/steps/" + enc(request.getStepId()),
        request,
        CheckoutSession.newBuilder());
  }

  /** {@code GET /v1/sessions/{session_id}}. */
  public CheckoutSession get(String sessionId) {
    return call("GET", "/v1/sessions/" + enc(sessionId), null, CheckoutSession.newBuilder());
  }

  /** {@code GET /v1/sessions/{session_id}/entitlements}: the plans of the session's user. */
  public GetEntitlementsResponse entitlements(String sessionId) {
    return call(
        "GET",
        "/v1/sessions/" + enc(sessionId) + "/entitlements",
        null,
        GetEntitlementsResponse.newBuilder());
  }

  @SuppressWarnings("unchecked")
  private <T extends Message> T call(
      String method, String path, Message body, Message.Builder answer) {
    String json;
    try {
      json = body == null ? null : PRINTER.print(body);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(e);
    }
    CallFailure last = null;
    // Every instance at most once: only a refused connection moves on (nothing was sent).
    for (int i = 0; i < addresses.size(); i++) {
      String address = addresses.get(Math.floorMod(next.getAndIncrement(), addresses.size()));
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("https://" + address + path))
              .timeout(timeout)
              .header("authorization", "Bearer " + token);
      if (json == null) {
        request.GET();
      } else {
        request
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (ConnectException e) {
        last =
            new CallFailure(Status.Code.UNAVAILABLE, "", "connection refused by " + address, false);
        continue;
      } catch (HttpTimeoutException e) {
        throw new CallFailure(Status.Code.DEADLINE_EXCEEDED, "", "no answer in " + timeout, true);
      } catch (IOException e) {
        throw new CallFailure(Status.Code.UNAVAILABLE, "", e.toString(), true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CallFailure(Status.Code.CANCELLED, "", "interrupted", true);
      }
      if (response.statusCode() == 200) {
        try {
          PARSER.merge(response.body(), answer);
        } catch (InvalidProtocolBufferException e) {
          throw new CallFailure(
              Status.Code.INTERNAL, "", "unreadable answer: " + e.getMessage(), true);
        }
        return (T) answer.build();
      }
      throw failure(response);
    }
    throw last;
  }

  private static CallFailure failure(HttpResponse<String> response) {
    try {
      JsonObject status = JsonParser.parseString(response.body()).getAsJsonObject();
      Status.Code code = Status.fromCodeValue(status.get("code").getAsInt()).getCode();
      String reason = "";
      if (status.has("details")) {
        for (JsonElement d : status.getAsJsonArray("details")) {
          JsonObject detail = d.getAsJsonObject();
          if (detail.has("@type") && detail.get("@type").getAsString().endsWith("ErrorInfo")) {
            reason = detail.get("reason").getAsString();
          }
        }
      }
      String message = status.has("message") ? status.get("message").getAsString() : "";
      return new CallFailure(code, reason, message, true);
    } catch (RuntimeException e) {
      // Not a google.rpc.Status (a proxy's page, a truncated body): judge by the HTTP status.
      Status.Code code =
          response.statusCode() == 503 || response.statusCode() == 502
              ? Status.Code.UNAVAILABLE
              : response.statusCode() == 504 ? Status.Code.DEADLINE_EXCEEDED : Status.Code.UNKNOWN;
      return new CallFailure(code, "", "HTTP " + response.statusCode(), true);
    }
  }

  private static String enc(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
