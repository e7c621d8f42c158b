package io.squadron.rpc.server;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.config.ConfigReader;
import java.time.Duration;

/**
 * What one server instance lets its callers hold: handler threads, calls per connection, connection
 * lifetime and keepalive, and the size of a client app's request ({@code squadron.server}, defaults
 * in rpc-core's {@code reference.conf}; the rpc-core README says why each default is what it is).
 *
 * @param executorThreads handler threads; calls beyond them wait in the executor's queue (their
 *     deadlines run)
 * @param maxConcurrentCallsPerConnection HTTP/2 streams one connection may have open; a client
 *     queues the rest
 * @param appMaxInboundMessageSize the largest request a client app ({@code app:<name>}) may send;
 *     services may send up to {@code max-inbound-message-size}, which bounds everyone (apps
 *     included) when it is the lower
 * @param keepAliveTime the server pings a connection silent for this long, to find dead peers
 * @param keepAliveTimeout and closes it when the ping is not answered within this
 * @param permitKeepAliveTime clients may ping at most this often; faster pingers are disconnected
 * @param maxConnectionIdle a connection without calls for this long is closed ({@link
 *     Duration#ZERO}: never)
 * @param maxConnectionAge a connection is asked to go away after this long (with jitter), so
 *     clients rebalance, pick up rotated certificates and policies, and no stream lives for ever
 * @param maxConnectionAgeGrace calls still running on a connection that reached its age may finish
 *     within this
 */
public record ServerLimits(
    int executorThreads,
    int maxConcurrentCallsPerConnection,
    int appMaxInboundMessageSize,
    Duration keepAliveTime,
    Duration keepAliveTimeout,
    Duration permitKeepAliveTime,
    Duration maxConnectionIdle,
    Duration maxConnectionAge,
    Duration maxConnectionAgeGrace) {

  /** The defaults of {@code reference.conf}. */
  public static final ServerLimits DEFAULT =
      new ServerLimits(
          64,
          1000,
          4 * 1024 * 1024,
          Duration.ofMinutes(1),
          Duration.ofSeconds(20),
          Duration.ofSeconds(20),
          Duration.ofMinutes(15),
          Duration.ofMinutes(30),
          Duration.ofMinutes(1));

  public ServerLimits {
    if (executorThreads < 1) {
      throw new IllegalArgumentException(
          "executorThreads: " + executorThreads + " (expected: >= 1)");
    }
    if (maxConcurrentCallsPerConnection < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentCallsPerConnection: "
              + maxConcurrentCallsPerConnection
              + " (expected: >= 1)");
    }
    if (appMaxInboundMessageSize < 1) {
      throw new IllegalArgumentException(
          "appMaxInboundMessageSize: " + appMaxInboundMessageSize + " (expected: >= 1)");
    }
    positive("keepAliveTime", keepAliveTime);
    positive("keepAliveTimeout", keepAliveTimeout);
    positive("permitKeepAliveTime", permitKeepAliveTime);
    requireNonNull(maxConnectionIdle, "maxConnectionIdle");
    if (maxConnectionIdle.isNegative()) {
      throw new IllegalArgumentException(
          "maxConnectionIdle: " + maxConnectionIdle + " (expected: >= 0)");
    }
    positive("maxConnectionAge", maxConnectionAge);
    positive("maxConnectionAgeGrace", maxConnectionAgeGrace);
  }

  /** Reads the limits from {@code squadron.server}. */
  public static ServerLimits from(ConfigReader server) {
    ConfigReader keepalive = server.child("keepalive");
    ConfigReader connection = server.child("connection");
    return new ServerLimits(
        server.intInRange("executor-threads", 1, 10_000),
        server.intInRange("max-concurrent-calls-per-connection", 1, 1_000_000),
        server.bytes("app-max-inbound-message-size", 1024),
        keepalive.positiveDuration("time"),
        keepalive.positiveDuration("timeout"),
        keepalive.positiveDuration("permit-time"),
        connection.duration("max-idle"),
        connection.positiveDuration("max-age"),
        connection.positiveDuration("max-age-grace"));
  }

  /** A copy with {@code threads} handler threads. */
  public ServerLimits withExecutorThreads(int threads) {
    return new ServerLimits(
        threads,
        maxConcurrentCallsPerConnection,
        appMaxInboundMessageSize,
        keepAliveTime,
        keepAliveTimeout,
        permitKeepAliveTime,
        maxConnectionIdle,
        maxConnectionAge,
        maxConnectionAgeGrace);
  }

  /** A copy allowing {@code calls} concurrent calls per connection. */
  public ServerLimits withMaxConcurrentCallsPerConnection(int calls) {
    return new ServerLimits(
        executorThreads,
        calls,
        appMaxInboundMessageSize,
        keepAliveTime,
        keepAliveTimeout,
        permitKeepAliveTime,
        maxConnectionIdle,
        maxConnectionAge,
        maxConnectionAgeGrace);
  }

  /** A copy with another connection age and grace. */
  public ServerLimits withMaxConnectionAge(Duration age, Duration grace) {
    return new ServerLimits(
        executorThreads,
        maxConcurrentCallsPerConnection,
        appMaxInboundMessageSize,
        keepAliveTime,
        keepAliveTimeout,
        permitKeepAliveTime,
        maxConnectionIdle,
        age,
        grace);
  }

  /** A copy with another limit on a client app's request. */
  public ServerLimits withAppMaxInboundMessageSize(int bytes) {
    return new ServerLimits(
        executorThreads,
        maxConcurrentCallsPerConnection,
        bytes,
        keepAliveTime,
        keepAliveTimeout,
        permitKeepAliveTime,
        maxConnectionIdle,
        maxConnectionAge,
        maxConnectionAgeGrace);
  }

  private static void positive(String name, Duration value) {
    requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
