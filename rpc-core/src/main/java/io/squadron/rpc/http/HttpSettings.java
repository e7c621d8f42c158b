package io.squadron.rpc.http;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import java.time.Duration;

/**
 * The HTTP/JSON listener of a service that serves its API to browsers, read from {@code
 * squadron.http} (defaults and documentation in rpc-core's {@code reference.conf}). A service opts
 * in with {@code http-json} in its descriptor; the listener serves TLS with the service's
 * certificate unless the server runs plaintext-dev.
 *
 * @param host the address to bind
 * @param port the port; 0 binds any free port ({@code SquadronServer.httpPort()} tells which)
 * @param maxRequestSize larger request bodies are refused with 413
 * @param requestTimeout a call running longer is cancelled and answered 504 (the call's gRPC
 *     deadline)
 * @param idleTimeout a connection idle this long is closed
 * @param staticMaxAge how long browsers may cache static files other than HTML (HTML is always
 *     revalidated)
 * @param cors which other origins may call from a browser
 */
public record HttpSettings(
    String host,
    int port,
    int maxRequestSize,
    Duration requestTimeout,
    Duration idleTimeout,
    Duration staticMaxAge,
    CorsSettings cors) {

  public HttpSettings {
    requireNonNull(host, "host");
    requireNonNull(requestTimeout, "requestTimeout");
    requireNonNull(idleTimeout, "idleTimeout");
    requireNonNull(staticMaxAge, "staticMaxAge");
    requireNonNull(cors, "cors");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    if (maxRequestSize <= 0) {
      throw new IllegalArgumentException("maxRequestSize: " + maxRequestSize + " (expected: > 0)");
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: > 0)");
    }
    if (staticMaxAge.isNegative()) {
      throw new IllegalArgumentException("staticMaxAge: " + staticMaxAge + " (expected: >= 0)");
    }
  }

  /** Reads {@code squadron.http} from a resolved config. */
  public static HttpSettings from(Config root) {
    ConfigReader http = ConfigReader.at(root, "squadron.http");
    return new HttpSettings(
        http.nonEmptyString("host"),
        http.port("port"),
        http.bytes("max-request-size", 1024),
        http.positiveDuration("request-timeout"),
        http.positiveDuration("idle-timeout"),
        http.duration("static-max-age"),
        CorsSettings.from(http.child("cors")));
  }

  /**
   * Loopback on a free port, 1 MiB requests, 30 s calls, no cross-origin caller: for tests and
   * benchmarks.
   */
  public static HttpSettings loopback() {
    return new HttpSettings(
        "127.0.0.1",
        0,
        1024 * 1024,
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        Duration.ofMinutes(5),
        CorsSettings.NONE);
  }

  /** A copy with other CORS settings. */
  public HttpSettings withCors(CorsSettings newCors) {
    return new HttpSettings(
        host, port, maxRequestSize, requestTimeout, idleTimeout, staticMaxAge, newCors);
  }

  /** A copy with another maximum request size. */
  public HttpSettings withMaxRequestSize(int bytes) {
    return new HttpSettings(host, port, bytes, requestTimeout, idleTimeout, staticMaxAge, cors);
  }

  /** A copy with another request timeout. */
  public HttpSettings withRequestTimeout(Duration timeout) {
    return new HttpSettings(host, port, maxRequestSize, timeout, idleTimeout, staticMaxAge, cors);
  }
}
