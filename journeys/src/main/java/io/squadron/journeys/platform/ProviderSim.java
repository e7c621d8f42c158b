package io.squadron.journeys.platform;

import static java.util.Objects.requireNonNull;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * The payment provider simulator, from the payer's side and the test operator's: a card tokenized
 * at the acquirer's vault (what a card form does in the browser), a 3-D Secure challenge passed
 * (what the payer does on the issuer's page), the simulated clock advanced (a SEPA debit settles
 * days later), and the simulator's own audit of references charged twice.
 */
public final class ProviderSim {
  private final String baseUrl;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private volatile String cardpayApiKey;

  /** The simulator at {@code baseUrl} ({@code SQUADRON_PROVIDERS_SIM}). */
  public ProviderSim(String baseUrl) {
    this.baseUrl = requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", "");
  }

  /** A card token ({@code pm_...}) at provider {@code provider}'s vault. */
  public String tokenizeCard(String provider, String number) {
    String apiKey = cardpayApiKey;
    if (apiKey == null) {
      apiKey =
          JsonParser.parseString(send("GET", baseUrl + "/_control/credentials", null, null))
              .getAsJsonObject()
              .getAsJsonObject(provider)
              .get("api_key")
              .getAsString();
      cardpayApiKey = apiKey;
    }
    String body =
        "{\"type\":\"card\",\"card\":{\"number\":\""
            + number
            + "\",\"exp_month\":12,\"exp_year\":2034,\"cvc\":\"123\"}}";
    return JsonParser.parseString(
            send("POST", baseUrl + "/" + provider + "/v1/payment_methods", apiKey, body))
        .getAsJsonObject()
        .get("id")
        .getAsString();
  }

  /**
   * The payer passes the 3-D Secure challenge at {@code threeDsUrl} ({@code
   * .../<provider>/3ds/<provider payment id>}, as checkout's step shows it).
   */
  public void passThreeDSecure(String threeDsUrl) {
    URI uri = URI.create(threeDsUrl);
    String[] parts = uri.getPath().split("/");
    if (parts.length < 4 || !parts[parts.length - 2].equals("3ds")) {
      throw new IllegalArgumentException("not a 3-D Secure URL of the simulator: " + threeDsUrl);
    }
    String provider = parts[parts.length - 3];
    String paymentId = parts[parts.length - 1];
    send(
        "POST",
        baseUrl
            + "/_control/providers/"
            + provider
            + "/payments/"
            + paymentId
            + "/actions/authenticate",
        null,
        "{\"result\":\"pass\"}");
  }

  /** Advances the simulated clock; timers that came due fire (SEPA submission, confirmation). */
  public void advanceClock(Duration by) {
    send("POST", baseUrl + "/_control/clock/advance", null, "{\"seconds\":" + by.toSeconds() + "}");
  }

  /** How many merchant references a provider charged twice (the simulator's audit). */
  public int doubleChargedReferences() {
    JsonObject audit =
        JsonParser.parseString(send("GET", baseUrl + "/_control/audit", null, null))
            .getAsJsonObject();
    if (!audit.has("double_charged_references")) {
      throw new IllegalStateException("the simulator's audit has no double_charged_references");
    }
    return audit.get("double_charged_references").getAsInt();
  }

  private String send(String method, String url, String apiKey, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(15))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (apiKey != null) {
      request
          .header("Authorization", "Bearer " + apiKey)
          .header("Idempotency-Key", UUID.randomUUID().toString());
    }
    try {
      HttpResponse<String> answer =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            method + " " + URI.create(url).getPath() + " answered " + answer.statusCode());
      }
      return answer.body();
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + URI.create(url).getPath() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
