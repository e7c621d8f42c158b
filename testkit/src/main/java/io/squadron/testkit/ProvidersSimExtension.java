package io.squadron.testkit;

import io.squadron.infra.LocalInfra;
import io.squadron.infra.providers.ProvidersSimLauncher;
import io.squadron.infra.providers.ProvidersSimServer;
import java.io.IOException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The payment provider simulator for a test class (local-infra's {@link ProvidersSimLauncher}: a
 * real process on a free port), or the one {@code SQUADRON_PROVIDERS_SIM} names, shared (then its
 * faults are reset after the class). A service whose descriptor lists the {@code providers-sim}
 * store gets one through {@code ServiceExtension}.
 *
 * <pre>{@code
 * @RegisterExtension static final ProvidersSimExtension SIM = ProvidersSimExtension.ownServer();
 * SIM.control("PUT", "/providers/cardpay/faults", "{\"timeout\": {\"rate\": 1.0}}");
 * SIM.server().pause();   // a provider outage
 * }</pre>
 */
public final class ProvidersSimExtension implements BeforeAllCallback, AfterAllCallback {
  private final boolean own;
  private long seed = 1;
  private boolean manualClock;
  private ProvidersSimServer server;
  private String baseUrl;
  private Class<?> owner;

  private ProvidersSimExtension(boolean own) {
    this.own = own;
  }

  /**
   * {@code SQUADRON_PROVIDERS_SIM}'s simulator when set, else a simulator process of the class's
   * own.
   */
  public static ProvidersSimExtension perClass() {
    return new ProvidersSimExtension(false);
  }

  /**
   * Always a simulator process of the class's own: {@link #server()} stops, restarts and pauses it.
   */
  public static ProvidersSimExtension ownServer() {
    return new ProvidersSimExtension(true);
  }

  /**
   * The seed of the simulator's drawn ids, faults and declines (default 1; an own simulator only).
   */
  public ProvidersSimExtension seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** Whether simulated time stands still unless advanced (default false; an own simulator only). */
  public ProvidersSimExtension manualClock(boolean manualClock) {
    this.manualClock = manualClock;
    return this;
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (owner != null) {
      return;
    }
    String external = System.getenv(LocalInfra.PROVIDERS_SIM_ENV);
    if (!own && external != null && !external.isBlank()) {
      baseUrl = external.replaceAll("/+$", "");
    } else {
      server = ProvidersSimLauncher.builder().seed(seed).manualClock(manualClock).start();
      baseUrl = server.baseUrl();
    }
    owner = context.getRequiredTestClass();
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) throws Exception {
    if (owner == null || context.getRequiredTestClass() != owner) {
      return;
    }
    try {
      if (server != null) {
        server.close();
      } else {
        control("POST", "/reset", "{\"faults\": true}");
      }
    } finally {
      server = null;
      owner = null;
    }
  }

  /** The simulator's base URL ({@code http://127.0.0.1:PORT}; provider {@code p} at {@code /p}). */
  public synchronized String baseUrl() {
    if (baseUrl == null) {
      throw new IllegalStateException("the provider simulator is not started yet");
    }
    return baseUrl;
  }

  /** The control API's base ({@code baseUrl() + "/_control"}). */
  public String controlUrl() {
    return baseUrl() + "/_control";
  }

  /** The class's own simulator process (stop, restart, pause); the shared one has no controls. */
  public synchronized ProvidersSimServer server() {
    if (server == null) {
      throw new IllegalStateException(
          "this simulator is shared (SQUADRON_PROVIDERS_SIM): use ownServer()");
    }
    return server;
  }

  /**
   * Calls the control API: {@code method} {@code /_control + path} with a JSON {@code body} (or
   * none).
   *
   * @return the JSON answer
   * @throws IllegalStateException when it answers other than 200
   */
  public String control(String method, String path, String body) throws IOException {
    return http(method, controlUrl() + path, null, body);
  }

  /**
   * Calls provider {@code provider}'s own API as a client would (the card vault, the wallet):
   * {@code method} {@code path} with the provider's API key and a fresh idempotency key.
   *
   * @return the JSON answer
   * @throws IllegalStateException when it answers other than 2xx
   */
  public String provider(String method, String provider, String path, String apiKey, String body)
      throws IOException {
    return http(method, baseUrl() + "/" + provider + path, apiKey, body);
  }

  private static final java.net.http.HttpClient HTTP =
      java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_1_1)
          .connectTimeout(java.time.Duration.ofSeconds(5))
          .build();

  private static String http(String method, String url, String apiKey, String body)
      throws IOException {
    java.net.http.HttpRequest.Builder request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .timeout(java.time.Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? java.net.http.HttpRequest.BodyPublishers.noBody()
                    : java.net.http.HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (apiKey != null) {
      request
          .header("Authorization", "Bearer " + apiKey)
          .header("Idempotency-Key", java.util.UUID.randomUUID().toString());
    }
    java.net.http.HttpResponse<String> answer;
    try {
      answer = HTTP.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (answer.statusCode() / 100 != 2) {
      throw new IllegalStateException(
          method + " " + url + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return answer.body();
  }
}
