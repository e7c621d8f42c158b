package io.squadron.providers.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A merchant's webhook endpoint for tests: a real HTTP server on a free port that records every
 * delivery (path, headers, raw body) and answers 200, or 500 for the first {@link #failNext(int)}
 * requests.
 */
final class WebhookReceiver implements AutoCloseable {
  /** One received POST. */
  record Delivery(
      String path,
      String provider,
      String eventId,
      String signature,
      String attempt,
      String body,
      long receivedAtMs) {
    JsonNode json() {
      return SimHarness.parse(body);
    }

    String type() {
      return json().get("type").asText();
    }
  }

  private final HttpServer server;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final AtomicInteger failures = new AtomicInteger();

  WebhookReceiver() throws IOException {
    // The JDK server reads this once per JVM; without it small answers wait for Nagle's algorithm
    // (~40 ms).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          var h = exchange.getRequestHeaders();
          deliveries.add(
              new Delivery(
                  exchange.getRequestURI().getPath(),
                  h.getFirst("Squadron-Provider"),
                  h.getFirst("Squadron-Event-Id"),
                  h.getFirst("Squadron-Signature"),
                  h.getFirst("Squadron-Delivery-Attempt"),
                  new String(body, StandardCharsets.UTF_8),
                  System.currentTimeMillis()));
          int status = failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 200;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  /** {@code http://127.0.0.1:PORT/webhooks/{provider}} */
  String urlTemplate() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/webhooks/{provider}";
  }

  void failNext(int n) {
    failures.set(n);
  }

  List<Delivery> all() {
    return new ArrayList<>(deliveries);
  }

  /**
   * Waits (polling, bounded) until {@code count} deliveries match, and returns the matching ones.
   */
  List<Delivery> await(Predicate<Delivery> match, int count, long timeoutMs)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      List<Delivery> found = deliveries.stream().filter(match).toList();
      if (found.size() >= count || System.currentTimeMillis() > deadline) {
        return found;
      }
      Thread.sleep(10);
    }
  }

  /** The first delivery of an event of {@code type} from {@code provider}, waiting for it. */
  Delivery awaitType(String provider, String type, long timeoutMs) throws InterruptedException {
    return awaitEvent(provider, type, "", timeoutMs);
  }

  /**
   * The first delivery of an event of {@code type} whose body mentions {@code objectId}, waiting
   * for it.
   */
  Delivery awaitEvent(String provider, String type, String objectId, long timeoutMs)
      throws InterruptedException {
    List<Delivery> found =
        await(
            d ->
                provider.equals(d.provider())
                    && type.equals(d.type())
                    && d.body().contains(objectId),
            1,
            timeoutMs);
    if (found.isEmpty()) {
      throw new AssertionError(
          "no "
              + type
              + " event from "
              + provider
              + " within "
              + timeoutMs
              + " ms; got "
              + deliveries.stream().map(d -> d.provider() + ":" + d.type()).toList());
    }
    return found.get(0);
  }

  /**
   * Verifies a signature header the way a receiver must, computed here independently of the
   * simulator's code: {@code t=<unix>,v1=<hex>[,v1=<hex>]}, HMAC-SHA256 over {@code "<t>.<body>"};
   * true if any v1 matches the secret.
   */
  static boolean verify(String header, String body, String secret) throws Exception {
    String t = null;
    List<String> v1 = new ArrayList<>();
    for (String part : header.split(",")) {
      String[] kv = part.split("=", 2);
      if (kv[0].equals("t")) {
        t = kv[1];
      } else if (kv[0].equals("v1")) {
        v1.add(kv[1]);
      }
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
    return v1.contains(expected);
  }

  static long timestamp(String header) {
    for (String part : header.split(",")) {
      if (part.startsWith("t=")) {
        return Long.parseLong(part.substring(2));
      }
    }
    throw new AssertionError("no t= in " + header);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
