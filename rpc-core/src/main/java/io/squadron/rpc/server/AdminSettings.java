package io.squadron.rpc.server;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * The admin HTTP endpoint ({@code squadron.admin}): one listener for Prometheus and probes ({@code
 * /metrics}, {@code /healthz}, {@code /readyz}), which may face the pod network, and a separate
 * listener for the operations a service registered ({@code POST /admin/<action>}), which binds
 * loopback only, so an action is never reachable from the network whatever the first listener is
 * exposed to.
 *
 * @param enabled whether the endpoint runs
 * @param host the observability listener's address (loopback by default; {@code 0.0.0.0} in a pod)
 * @param port its port; 0 binds any free port
 * @param requestTimeout a connection must deliver one complete request within this time, or it is
 *     closed
 * @param maxConnections connections beyond this many are closed at once
 * @param actionsEnabled whether the actions listener runs
 * @param actionsHost the actions listener's address: a loopback address only
 * @param actionsPort its port; 0 binds any free port
 */
public record AdminSettings(
    boolean enabled,
    String host,
    int port,
    Duration requestTimeout,
    int maxConnections,
    boolean actionsEnabled,
    String actionsHost,
    int actionsPort) {

  /** Loopback on free ports, 5 s to send a request, 64 connections. */
  public static final AdminSettings LOOPBACK =
      new AdminSettings(true, "127.0.0.1", 0, Duration.ofSeconds(5), 64, true, "127.0.0.1", 0);

  public AdminSettings {
    requireNonNull(host, "host");
    requireNonNull(requestTimeout, "requestTimeout");
    requireNonNull(actionsHost, "actionsHost");
    checkPort("port", port);
    checkPort("actionsPort", actionsPort);
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
    }
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
    }
    if (!isLoopback(actionsHost)) {
      throw new IllegalArgumentException(
          "actionsHost: '"
              + actionsHost
              + "' (expected: a loopback address such as "
              + "127.0.0.1: admin actions are never served to the network)");
    }
  }

  /** Reads {@code squadron.admin}. */
  public static AdminSettings from(ConfigReader admin) {
    ConfigReader actions = admin.child("actions");
    String actionsHost = actions.nonEmptyString("host");
    if (!isLoopback(actionsHost)) {
      throw new InvalidConfigException(
          actions.key("host"),
          "'"
              + actionsHost
              + "' (expected: a loopback address "
              + "such as 127.0.0.1: admin actions are never served to the network)");
    }
    return new AdminSettings(
        admin.bool("enabled"),
        admin.nonEmptyString("host"),
        admin.port("port"),
        admin.positiveDuration("request-timeout"),
        admin.intInRange("max-connections", 1, 100_000),
        actions.bool("enabled"),
        actionsHost,
        actions.port("port"));
  }

  /** Whether {@code host} names a loopback address (a literal, or a name that resolves to one). */
  public static boolean isLoopback(String host) {
    try {
      return host != null && !host.isBlank() && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void checkPort(String name, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(name + ": " + port + " (expected: 0..65535)");
    }
  }
}
