package io.squadron.rpc.internal.admin;

import io.squadron.rpc.admin.AdminAction;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.rpc.internal.health.Readiness;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small HTTP server beside the gRPC port, for Prometheus and for orchestrators' probes:
 * {@code GET /metrics} (Prometheus text), {@code GET /healthz} (200 while the process lives) and {@code GET /readyz}
 * (200 when every readiness check passes, else 503 naming the failing checks); and {@code POST /admin/<action>} for
 * the operations a service registered (e.g. {@code reload-permissions}). It binds loopback by default: expose it to
 * the pod network, never beyond.
 *
 * <p>It is off the request path, so the JDK's server on one thread is enough.
 */
public final class AdminHttpServer implements AutoCloseable {
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private AdminHttpServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts serving on {@code host:port} (port 0: any free port). */
  public static AdminHttpServer start(String host, int port, PrometheusMeterRegistry registry, Readiness readiness,
      Map<String, AdminAction> actions) throws IOException {
    requireNonNull(registry, "registry");
    requireNonNull(readiness, "readiness");
    Map<String, AdminAction> byName = Map.copyOf(actions);
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    server.createContext("/metrics", exchange -> respond(exchange, 200, PROMETHEUS_TEXT, registry.scrape()));
    server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
    server.createContext("/readyz", exchange -> {
      if (readiness.isReady()) {
        respond(exchange, 200, "text/plain", "ready\n");
      } else {
        respond(exchange, 503, "text/plain", "not ready: " + String.join(", ", readiness.failing()) + "\n");
      }
    });
    server.createContext("/admin/", exchange -> {
      String name = exchange.getRequestURI().getPath().substring("/admin/".length());
      AdminAction action = byName.get(name);
      if (action == null) {
        respond(exchange, 404, "text/plain", "no admin action '" + name + "'; known: " + byName.keySet() + "\n");
      } else if (!"POST".equals(exchange.getRequestMethod())) {
        try (exchange) {
          exchange.getResponseHeaders().set("Allow", "POST");
          exchange.sendResponseHeaders(405, -1);
        }
      } else {
        String result;
        int code = 200;
        try {
          result = action.run();
        } catch (Exception e) {
          code = 500;
          result = name + " failed: " + e.getClass().getSimpleName();
        }
        respondAny(exchange, code, result + "\n");
      }
    });
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "squadron-admin-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
    return new AdminHttpServer(server, executor);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private static void respondAny(HttpExchange exchange, int code, String body) throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(code, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private static void respond(HttpExchange exchange, int code, String contentType, String body) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(code, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }
}
