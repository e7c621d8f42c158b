package io.squadron.providers.sim.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.squadron.providers.sim.control.ControlApi;
import io.squadron.providers.sim.engine.Simulator;
import io.squadron.providers.sim.engine.Simulator.Plan;
import io.squadron.providers.sim.engine.Simulator.Reply;
import io.squadron.providers.sim.provider.Provider;
import io.squadron.providers.sim.provider.Route;
import io.squadron.providers.sim.provider.Routes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 front end (the JDK's {@code com.sun.net.httpserver}, a bounded worker pool): routes
 * {@code /<provider>/...} to the provider's API, {@code /_control/...} to the {@link ControlApi}.
 *
 * <p>For a provider request it checks, in order: route (404/405), body size (413) and JSON (400),
 * the API key ({@code Authorization: Bearer <key>}, 401) and, on mutating routes, the {@code
 * Idempotency-Key} header (400). Then it applies the request faults drawn by {@link
 * Simulator#plan}: injected latency (the request waits on a timer, not on a worker thread), an
 * injected 5xx (nothing processed), or a timeout with unknown outcome: the request is processed or
 * not, then the connection is closed without an answer ({@code drop}) or left silent for {@code
 * hang_ms} ({@code hang}).
 */
public final class HttpFront implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpFront.class);
  private static final String CONTROL = "_control";

  private final Simulator sim;
  private final ControlApi control;
  private final int maxBodyBytes;
  private final Map<String, List<Route>> routes = new HashMap<>();
  private final HttpServer server;
  private final ThreadPoolExecutor workers;
  private final ScheduledExecutorService timers;
  private final AtomicLong requestIds = new AtomicLong();

  /** Binds {@code host:port} (0: any free port); {@link #start()} serves. */
  public HttpFront(
      Simulator sim,
      ControlApi control,
      String host,
      int port,
      int threads,
      int maxQueue,
      int maxBodyBytes)
      throws IOException {
    this.sim = sim;
    this.control = control;
    this.maxBodyBytes = maxBodyBytes;
    for (Provider p : sim.providers()) {
      Routes r = new Routes();
      p.routes(r);
      routes.put(p.name(), r.list());
    }
    AtomicLong n = new AtomicLong();
    // Bounded: a burst beyond the queue runs on the accepting thread, which slows accepting
    // (back-pressure)
    // instead of growing memory or failing requests.
    this.workers =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(maxQueue),
            r -> {
              Thread t = new Thread(r, "providers-sim-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    this.timers =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "providers-sim-http-timers");
              t.setDaemon(true);
              return t;
            });
    this.server = HttpServer.create(new InetSocketAddress(host, port), 1024);
    server.setExecutor(workers);
    server.createContext("/", this::handle);
  }

  /** Starts serving. */
  public void start() {
    server.start();
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) {
    try {
      route(exchange);
    } catch (IOException e) {
      // the client went away (closed its connection, gave up waiting): nothing to answer
      log.debug(
          "Cannot answer {} {}: {}",
          exchange.getRequestMethod(),
          exchange.getRequestURI().getRawPath(),
          e.toString());
      exchange.close();
    } catch (RuntimeException e) {
      log.error(
          "Unexpected failure on {} {}",
          exchange.getRequestMethod(),
          exchange.getRequestURI().getRawPath(),
          e);
      exchange.close();
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getRawPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    String[] parts = path.split("/", 3);
    String first = parts.length > 1 ? parts[1] : "";
    String rest = parts.length > 2 ? "/" + parts[2] : "";
    if (CONTROL.equals(first)) {
      byte[] body = readBody(exchange);
      if (body == null) {
        send(exchange, tooLarge());
        return;
      }
      send(exchange, control.handle(method, rest, query, body));
      return;
    }
    Provider provider = sim.provider(first);
    if (provider == null) {
      ObjectNode error = Json.object();
      error
          .putObject("error")
          .put("code", "not_found")
          .put(
              "message",
              "no provider at /"
                  + first
                  + " (the simulator serves /<provider>/... for the providers listed by GET /_control/providers)");
      send(exchange, new Reply(404, Json.write(error).getBytes(StandardCharsets.UTF_8), false));
      return;
    }
    Route route = null;
    Map<String, String> params = null;
    boolean pathKnown = false;
    for (Route r : routes.get(provider.name())) {
      Map<String, String> m = r.match(rest);
      if (m != null) {
        pathKnown = true;
        if (r.method().equals(method)) {
          route = r;
          params = m;
          break;
        }
      }
    }
    if (route == null) {
      sim.countRejected(provider.name());
      send(
          exchange,
          sim.error(
              provider,
              pathKnown
                  ? new ApiError(405, "method_not_allowed", method + " is not allowed on " + rest)
                  : new ApiError(
                      404,
                      "not_found",
                      "no endpoint " + method + " " + rest + " at " + provider.name())));
      return;
    }
    byte[] raw = readBody(exchange);
    if (raw == null) {
      sim.countRejected(provider.name());
      send(
          exchange,
          sim.error(
              provider,
              new ApiError(
                  413,
                  "request_too_large",
                  "body: larger than " + maxBodyBytes + " bytes",
                  "body")));
      return;
    }
    String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
    ApiRequest request;
    try {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth == null
          || !auth.startsWith("Bearer ")
          || !sim.authenticates(provider.name(), auth.substring(7))) {
        throw new ApiError(
            401,
            "authentication_failed",
            auth == null
                ? "Authorization: header missing (expected: Bearer <API key of "
                    + provider.name()
                    + ">)"
                : "Authorization: invalid API key for " + provider.name(),
            "Authorization");
      }
      if (route.mutating()) {
        if (key == null || key.isEmpty()) {
          throw new ApiError(
              400,
              "idempotency_key_missing",
              "Idempotency-Key: header missing (required on every "
                  + "state-changing request: a retry with the same key returns the first outcome)",
              "Idempotency-Key");
        }
        if (key.length() > 255 || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
          throw new ApiError(
              400,
              "idempotency_key_invalid",
              "Idempotency-Key: expected 1..255 visible ASCII " + "characters",
              "Idempotency-Key");
        }
      } else {
        key = null;
      }
      ObjectNode body = "GET".equals(method) ? Json.object() : Json.parseObject(raw);
      request = new ApiRequest(method, rest, params, query, raw, body, key);
    } catch (ApiError e) {
      sim.countRejected(provider.name());
      send(exchange, sim.error(provider, e));
      return;
    }
    Plan plan = sim.plan(provider, route, request);
    Route chosen = route;
    if (plan.latencyMs() > 0) {
      timers.schedule(
          () -> workers.execute(() -> finish(exchange, provider, chosen, request, plan)),
          plan.latencyMs(),
          TimeUnit.MILLISECONDS);
    } else {
      finish(exchange, provider, chosen, request, plan);
    }
  }

  private void finish(
      HttpExchange exchange, Provider provider, Route route, ApiRequest request, Plan plan) {
    try {
      if (plan.errorStatus() > 0) {
        Reply reply = sim.injectedError(provider, plan.errorStatus());
        if (plan.errorStatus() == 503) {
          exchange.getResponseHeaders().set("Retry-After", "1");
        }
        send(exchange, reply);
        return;
      }
      if (plan.timeout() && !plan.commitBeforeTimeout()) {
        lose(exchange, plan);
        return;
      }
      Reply reply = sim.execute(provider, route, request);
      if (plan.timeout()) {
        lose(exchange, plan);
        return;
      }
      send(exchange, reply);
    } catch (IOException e) {
      log.debug("Cannot answer {} {}: {}", request.method(), request.path(), e.toString());
      exchange.close();
    } catch (RuntimeException e) {
      log.error("Unexpected failure on {} {}", request.method(), request.path(), e);
      exchange.close();
    }
  }

  /**
   * The answer is lost: the connection closes now ({@code drop}) or after {@code hang_ms} ({@code
   * hang}).
   */
  private void lose(HttpExchange exchange, Plan plan) {
    if (plan.hang()) {
      timers.schedule(exchange::close, plan.hangMs(), TimeUnit.MILLISECONDS);
    } else {
      exchange.close(); // no response headers sent: the JDK server closes the connection
    }
  }

  private static Reply tooLarge() {
    ObjectNode error = Json.object();
    error.putObject("error").put("code", "request_too_large").put("message", "body: too large");
    return new Reply(413, Json.write(error).getBytes(StandardCharsets.UTF_8), false);
  }

  private byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        return null;
      }
      return body;
    }
  }

  private void send(HttpExchange exchange, Reply reply) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange
        .getResponseHeaders()
        .set("Request-Id", "req_" + Long.toString(requestIds.incrementAndGet(), 36));
    if (reply.replayed()) {
      exchange.getResponseHeaders().set("Idempotent-Replayed", "true");
    }
    byte[] body = reply.body();
    exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  @Override
  public void close() {
    server.stop(0);
    timers.shutdownNow();
    workers.shutdownNow();
  }
}
