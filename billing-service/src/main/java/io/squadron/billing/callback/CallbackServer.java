package io.squadron.billing.callback;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP endpoint providers post callbacks to: {@code POST /webhooks/<provider>}, on its own port
 * (the JDK's HTTP server with a bounded worker pool; beyond its queue a callback gets 503 and the
 * provider delivers it again). Bodies over the limit get 413. Handing the request to {@link
 * CallbackHandler} is all it does.
 */
public final class CallbackServer implements AutoCloseable {
  private static final String PREFIX = "/webhooks/";

  private final HttpServer server;
  private final ExecutorService workers;

  private CallbackServer(HttpServer server, ExecutorService workers) {
    this.server = server;
    this.workers = workers;
  }

  /**
   * Binds {@code host}:{@code port} (0: any free port) and serves callbacks with {@code threads}
   * workers.
   *
   * @throws IOException when the address cannot be bound
   */
  public static CallbackServer start(
      String host, int port, int threads, int maxBodyBytes, CallbackHandler handler)
      throws IOException {
    requireNonNull(handler, "handler");
    // Small answers without Nagle's delays (the JDK server reads this once, when its first server
    // is made).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 256);
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(threads * 64),
            r -> {
              Thread t = new Thread(r, "billing-callbacks-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            (r, executor) -> {
              throw new java.util.concurrent.RejectedExecutionException("callback queue full");
            });
    server.setExecutor(
        command -> {
          try {
            workers.execute(command);
          } catch (java.util.concurrent.RejectedExecutionException e) {
            command
                .run(); // the acceptor does it itself: back-pressure on the provider's connection
          }
        });
    server.createContext("/", exchange -> serve(exchange, handler, maxBodyBytes));
    server.start();
    return new CallbackServer(server, workers);
  }

  private static void serve(HttpExchange exchange, CallbackHandler handler, int maxBodyBytes)
      throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!path.startsWith(PREFIX)
          || path.length() == PREFIX.length()
          || path.indexOf('/', PREFIX.length()) >= 0) {
        respond(exchange, 404, "not found (expected POST /webhooks/<provider>)");
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().add("Allow", "POST");
        respond(exchange, 405, "POST only");
        return;
      }
      byte[] body = read(exchange.getRequestBody(), maxBodyBytes);
      if (body == null) {
        respond(exchange, 413, "body larger than " + maxBodyBytes + " bytes");
        return;
      }
      CallbackHandler.Answer answer =
          handler.handle(
              path.substring(PREFIX.length()),
              exchange.getRequestHeaders().getFirst("Squadron-Signature"),
              body);
      if (answer.status() == 503) {
        exchange.getResponseHeaders().add("Retry-After", "1");
      }
      respond(exchange, answer.status(), answer.body());
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(CallbackServer.class).error("callback failed", e);
      try {
        respond(exchange, 500, "internal error");
      } catch (IOException ignored) {
        // the provider went away; it delivers again
      }
    }
  }

  private static byte[] read(InputStream in, int max) throws IOException {
    byte[] body = in.readNBytes(max + 1);
    return body.length > max ? null : body;
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
