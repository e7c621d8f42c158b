package io.squadron.rpc.server;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.metrics.MetricsSettings;
import java.time.Duration;

/**
 * Everything about how a server listens and stops, read from {@code squadron.server} and {@code squadron.admin}
 * (defaults in rpc-core's {@code reference.conf}).
 *
 * @param host the address to bind (127.0.0.1 for local runs and tests)
 * @param port the gRPC port; 0 binds any free port ({@link SquadronServer#port()} tells which)
 * @param maxInboundMessageSize larger requests fail with RESOURCE_EXHAUSTED before reaching a handler
 * @param gracePeriod how long in-flight calls may run on after shutdown begins
 * @param drainDelay how long NOT_SERVING is reported before the listener closes, so balancers stop sending first
 * @param readinessInterval how often readiness checks run
 * @param adminEnabled whether the admin HTTP endpoint runs
 * @param adminHost the admin endpoint's address
 * @param adminPort the admin endpoint's port; 0 binds any free port
 * @param metrics how latency is recorded
 */
public record ServerSettings(
    String host,
    int port,
    int maxInboundMessageSize,
    Duration gracePeriod,
    Duration drainDelay,
    Duration readinessInterval,
    boolean adminEnabled,
    String adminHost,
    int adminPort,
    MetricsSettings metrics) {

  public ServerSettings {
    requireNonNull(host, "host");
    requireNonNull(gracePeriod, "gracePeriod");
    requireNonNull(drainDelay, "drainDelay");
    requireNonNull(readinessInterval, "readinessInterval");
    requireNonNull(adminHost, "adminHost");
    requireNonNull(metrics, "metrics");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
    if (adminPort < 0 || adminPort > 65_535) {
      throw new IllegalArgumentException("adminPort: " + adminPort + " (expected: 0..65535)");
    }
    if (maxInboundMessageSize <= 0) {
      throw new IllegalArgumentException("maxInboundMessageSize: " + maxInboundMessageSize + " (expected: > 0)");
    }
  }

  /** Reads {@code squadron.server} and {@code squadron.admin} from a resolved config. */
  public static ServerSettings from(Config root) {
    ConfigReader server = ConfigReader.at(root, "squadron.server");
    ConfigReader shutdown = server.child("shutdown");
    ConfigReader admin = ConfigReader.at(root, "squadron.admin");
    return new ServerSettings(
        server.nonEmptyString("host"),
        server.port("port"),
        server.bytes("max-inbound-message-size", 1024),
        shutdown.duration("grace-period"),
        shutdown.duration("drain-delay"),
        server.positiveDuration("readiness-interval"),
        admin.bool("enabled"),
        admin.nonEmptyString("host"),
        admin.port("port"),
        MetricsSettings.from(server.child("metrics")));
  }

  /** Loopback on free ports, short shutdown, default metrics: for tests and benchmarks. */
  public static ServerSettings loopback() {
    return new ServerSettings("127.0.0.1", 0, 4 * 1024 * 1024, Duration.ofSeconds(5), Duration.ZERO,
        Duration.ofSeconds(1), true, "127.0.0.1", 0, MetricsSettings.DEFAULT);
  }

  /** A copy with another gRPC port. */
  public ServerSettings withPort(int newPort) {
    return new ServerSettings(host, newPort, maxInboundMessageSize, gracePeriod, drainDelay, readinessInterval,
        adminEnabled, adminHost, adminPort, metrics);
  }

  /** A copy with another maximum request size. */
  public ServerSettings withMaxInboundMessageSize(int bytes) {
    return new ServerSettings(host, port, bytes, gracePeriod, drainDelay, readinessInterval, adminEnabled, adminHost,
        adminPort, metrics);
  }
}
