package io.squadron.providers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.SimClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulator started in the test JVM on a free port, with a MANUAL clock at 2026-01-01T00:00:00Z,
 * and a real HTTP client speaking to it: provider calls with the provider's API key, control calls,
 * customer actions.
 */
final class SimHarness implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** A response: status, body and headers. */
  record Response(int status, JsonNode body, HttpResponse<String> raw) {
    String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }
  }

  final ProvidersSim sim;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final AtomicLong keys = new AtomicLong();
  private JsonNode credentials;

  private SimHarness(ProvidersSim sim) {
    this.sim = sim;
  }

  static SimHarness start(long seed) {
    return start(seed, null, "");
  }

  static SimHarness start(long seed, Path stateDir, String webhookUrl) {
    SimSettings.Builder b =
        SimSettings.builder()
            .seed(seed)
            .secretSeed("test-secret-" + seed)
            .clockMode(SimClock.Mode.MANUAL)
            .clockStart(START)
            .webhookUrl(webhookUrl)
            .webhookBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
            .webhookMaxAttempts(6);
    if (stateDir != null) {
      b.stateDir(stateDir);
    }
    return new SimHarness(ProvidersSim.start(b.build()));
  }

  String url() {
    return sim.baseUrl();
  }

  String apiKey(String provider) {
    if (credentials == null) {
      credentials = control("GET", "/credentials", null).body();
    }
    return credentials.get(provider).get("api_key").asText();
  }

  /** A fresh idempotency key. */
  String key() {
    return "key-" + keys.incrementAndGet() + "-" + System.nanoTime();
  }

  Response post(String provider, String path, Object body) {
    return call(provider, "POST", path, body, key());
  }

  Response put(String provider, String path, Object body) {
    return call(provider, "PUT", path, body, key());
  }

  Response get(String provider, String path) {
    return call(provider, "GET", path, null, null);
  }

  Response call(String provider, String method, String path, Object body, String idempotencyKey) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url() + "/" + provider + path))
            .timeout(Duration.ofSeconds(10))
            .header("Authorization", "Bearer " + apiKey(provider))
            .header("Content-Type", "application/json");
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return send(b.method(method, publisher(body)).build());
  }

  Response control(String method, String path, Object body) {
    return send(
        HttpRequest.newBuilder(URI.create(url() + "/_control" + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .method(method, publisher(body))
            .build());
  }

  /** A control call that must succeed. */
  JsonNode ok(String method, String path, Object body) {
    Response r = control(method, path, body);
    assertThat(r.status()).as("control %s %s: %s", method, path, r.body()).isEqualTo(200);
    return r.body();
  }

  JsonNode act(String provider, String id, String action, Object body) {
    return ok("POST", "/providers/" + provider + "/payments/" + id + "/actions/" + action, body);
  }

  JsonNode truth(String provider, String id) {
    return ok("GET", "/providers/" + provider + "/payments/" + id, null);
  }

  JsonNode advance(long seconds) {
    return ok("POST", "/clock/advance", Map.of("seconds", seconds));
  }

  JsonNode faults(String provider, Object settings) {
    return ok("PUT", "/providers/" + provider + "/faults", settings);
  }

  static ObjectNode obj() {
    return JSON.createObjectNode();
  }

  static ObjectNode parse(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  private static HttpRequest.BodyPublisher publisher(Object body) {
    if (body == null) {
      return HttpRequest.BodyPublishers.noBody();
    }
    try {
      return HttpRequest.BodyPublishers.ofString(
          body instanceof String s ? s : JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      JsonNode body = r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body());
      return new Response(r.statusCode(), body, r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    sim.close();
  }
}
