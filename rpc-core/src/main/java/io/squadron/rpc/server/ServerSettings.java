package io.squadron.rpc.server;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.metrics.MetricsSettings;
import java.time.Duration;

/**
 * Everything about how a server listens and stops, read from {@code squadron.server} and {@code
 * squadron.admin} (defaults in rpc-core's {@code reference.conf}).
 *
 * @param host the address to bind (127.0.0.1 for local runs and tests)
 * @param port the gRPC port; 0 binds any free port ({@link SquadronServer#port()} tells which)
 * @param maxInboundMessageSize larger requests fail with RESOURCE_EXHAUSTED before reaching a
 *     handler
 * @param gracePeriod how long in-flight calls may run on after shutdown begins
 * @param drainDelay how long NOT_SERVING is reported, while new connections and calls are still
 *     served, before the listener closes, so balancers and clients stop sending first
 * @param readinessInterval how often readiness checks run
 * @param limits what callers may hold: threads, calls per connection, connection lifetime, an app's
 *     request size
 * @param admin the admin HTTP endpoint
 * @param metrics how latency is recorded
 */
public record ServerSettings(
    String host,
    int port,
    int maxInboundMessageSize,
    Duration gracePeriod,
    Duration drainDelay,
    Duration readinessInterval,
    ServerLimits limits,
    AdminSettings admin,
    MetricsSettings metrics) {

  public ServerSettings {
    requireNonNull(host, "host");
    requireNonNull(gracePeriod, "gracePeriod");
    requireNonNull(drainDelay, "drainDelay");
    requireNonNull(readinessInterval, "readinessInterval");
    requireNonNull(limits, "limits");
    requireNonNull(admin, "admin");
    requireNonNull(metrics, "metrics");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    if (maxInboundMessageSize <= 0) {
      throw new IllegalArgumentException(
          "maxInboundMessageSize: " + maxInboundMessageSize + " (expected: > 0)");
    }
    if (gracePeriod.isNegative() || drainDelay.isNegative()) {
      throw new IllegalArgumentException(
          "gracePeriod, drainDelay: " + gracePeriod + ", " + drainDelay + " (expected: >= 0)");
    }
  }

  /** Reads {@code squadron.server} and {@code squadron.admin} from a resolved config. */
  public static ServerSettings from(Config root) {
    ConfigReader server = ConfigReader.at(root, "squadron.server");
    ConfigReader shutdown = server.child("shutdown");
    return new ServerSettings(
        server.nonEmptyString("host"),
        server.port("port"),
        server.bytes("max-inbound-message-size", 1024),
        shutdown.duration("grace-period"),
        shutdown.duration("drain-delay"),
        server.positiveDuration("readiness-interval"),
        ServerLimits.from(server),
        AdminSettings.from(ConfigReader.at(root, "squadron.admin")),
        MetricsSettings.from(server.child("metrics")));
  }

  /**
   * Loopback on free ports, short shutdown without a drain delay, default limits and metrics:
   * tests, benchmarks.
   */
  public static ServerSettings loopback() {
    return new ServerSettings(
        "127.0.0.1",
        0,
        4 * 1024 * 1024,
        Duration.ofSeconds(5),
        Duration.ZERO,
        Duration.ofSeconds(1),
        ServerLimits.DEFAULT,
        AdminSettings.LOOPBACK,
        MetricsSettings.DEFAULT);
  }

  /** A copy with another gRPC port. */
  public ServerSettings withPort(int newPort) {
    return new ServerSettings(
        host,
        newPort,
        maxInboundMessageSize,
        gracePeriod,
        drainDelay,
        readinessInterval,
        limits,
        admin,
        metrics);
  }

  /** A copy with another maximum request size. */
  public ServerSettings withMaxInboundMessageSize(int bytes) {
    return new ServerSettings(
        host, port, bytes, gracePeriod, drainDelay, readinessInterval, limits, admin, metrics);
  }

  /** A copy with other limits. */
  public ServerSettings withLimits(ServerLimits newLimits) {
    return new ServerSettings(
        host,
        port,
        maxInboundMessageSize,
        gracePeriod,
        drainDelay,
        readinessInterval,
        newLimits,
        admin,
        metrics);
  }

  /** A copy with another grace period and drain delay. */
  public ServerSettings withShutdown(Duration newGracePeriod, Duration newDrainDelay) {
    return new ServerSettings(
        host,
        port,
        maxInboundMessageSize,
        newGracePeriod,
        newDrainDelay,
        readinessInterval,
        limits,
        admin,
        metrics);
  }
}
