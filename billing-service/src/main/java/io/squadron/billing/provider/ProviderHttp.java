package io.squadron.billing.provider;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * JSON over HTTP to one provider, and the one place that decides what a failed request means:
 *
 * <ul>
 *   <li>not connected (refused, unreachable, connect timeout), 503, 429 or 401/403: the provider
 *       did not process it ({@link ProviderUnavailableException}: fail over is safe);
 *   <li>sent and then no answer (timeout, connection dropped), or another 5xx: the provider may
 *       have acted ({@link OutcomeUnknownException}: repeat with the same idempotency key, never
 *       fail over);
 *   <li>any other status: an answer, handed to the adapter (declines, validation errors,
 *       conflicts).
 * </ul>
 *
 * <p>Every state-changing call carries an {@code Idempotency-Key} chosen by the adapter from the
 * payment attempt and the operation, so repeating it (after a lost answer, a crash, a concurrent
 * reconciler) never acts twice.
 */
public final class ProviderHttp {
  /** Shared by all adapters. */
  public static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client;
  private final ProviderSettings settings;
  private final ProviderMetrics metrics;

  /**
   * Requests to {@code settings}'s provider through {@code client} (shared, HTTP/1.1, with a
   * connect timeout).
   */
  public ProviderHttp(HttpClient client, ProviderSettings settings, ProviderMetrics metrics) {
    this.client = requireNonNull(client, "client");
    this.settings = requireNonNull(settings, "settings");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  /** The provider's name. */
  public String provider() {
    return settings.name();
  }

  /**
   * An answer: the status and the parsed body ({@link MissingNode} when empty or not JSON).
   *
   * @param status the HTTP status
   * @param body the JSON body
   */
  public record Response(int status, JsonNode body) {
    /** Whether the status is 2xx. */
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The text at {@code path} ({@code a/b/c}), or null. */
    public String text(String path) {
      return Json.text(body, path);
    }
  }

  /** A state-changing POST with {@code idempotencyKey}. */
  public Response post(String operation, String path, String idempotencyKey, Object body) {
    return send(operation, "POST", path, requireNonNull(idempotencyKey, "idempotencyKey"), body);
  }

  /** A state-changing PUT with {@code idempotencyKey}. */
  public Response put(String operation, String path, String idempotencyKey, Object body) {
    return send(operation, "PUT", path, requireNonNull(idempotencyKey, "idempotencyKey"), body);
  }

  /** A POST that only reads (an inquiry endpoint). */
  public Response postRead(String operation, String path, Object body) {
    return send(operation, "POST", path, null, body);
  }

  /** A GET. */
  public Response get(String operation, String path) {
    return send(operation, "GET", path, null, null);
  }

  private Response send(
      String operation, String method, String path, String idempotencyKey, Object body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(settings.baseUrl() + path))
            .timeout(settings.requestTimeout())
            .header("Authorization", "Bearer " + settings.apiKey())
            .header("Accept", "application/json");
    if (idempotencyKey != null) {
      request.header("Idempotency-Key", idempotencyKey);
    }
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      try {
        request.method(
            method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write a " + operation + " request body", e);
      }
    }
    long start = System.nanoTime();
    HttpResponse<byte[]> answer;
    try {
      answer = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException | ConnectException | UnresolvedAddressException e) {
      record(operation, "unavailable", start);
      throw new ProviderUnavailableException(
          provider(), "cannot connect (" + e.getClass().getSimpleName() + ")");
    } catch (HttpTimeoutException e) {
      record(operation, "unknown", start);
      throw new OutcomeUnknownException(
          provider(), operation + " timed out after " + settings.requestTimeout());
    } catch (IOException e) {
      if (isConnectFailure(e)) {
        record(operation, "unavailable", start);
        throw new ProviderUnavailableException(
            provider(), "cannot connect (" + e.getClass().getSimpleName() + ")");
      }
      record(operation, "unknown", start);
      throw new OutcomeUnknownException(
          provider(), operation + " lost its answer (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      record(operation, "unknown", start);
      throw new OutcomeUnknownException(provider(), operation + " interrupted");
    }
    int status = answer.statusCode();
    if (status == 503 || status == 429 || status == 401 || status == 403) {
      record(operation, "unavailable", start);
      throw new ProviderUnavailableException(provider(), operation + " answered " + status);
    }
    JsonNode json = parse(answer.body());
    if (status >= 500 && !isDefinitive(status, json)) {
      record(operation, "unknown", start);
      throw new OutcomeUnknownException(provider(), operation + " answered " + status);
    }
    record(operation, status < 400 ? "ok" : "rejected", start);
    return new Response(status, json);
  }

  /**
   * Whether a 5xx is still a definitive answer: M-Pesa's status query answers 500 with code
   * 500.001.1001 while a request is being processed (the adapter reads it), Alipay-like inquiry
   * errors carry a result.
   */
  private static boolean isDefinitive(int status, JsonNode json) {
    return status == 500 && "500.001.1001".equals(Json.text(json, "errorCode"));
  }

  private static boolean isConnectFailure(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnresolvedAddressException) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  private void record(String operation, String outcome, long startNanos) {
    metrics.request(
        provider(), operation, outcome, Duration.ofNanos(System.nanoTime() - startNanos));
  }
}
