package io.squadron.rpc.client;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.internal.client.StaticNameResolverProvider;
import io.squadron.rpc.metrics.MetricsSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How to reach one service, read from {@code squadron.clients.<name>} with defaults from {@code
 * squadron.client-defaults}.
 *
 * <pre>
 * squadron.clients.shuffle {
 *   addresses = ["127.0.0.1:7001", "127.0.0.1:7002"]      # or: target = "dns:///shuffle.prod.svc:7000"
 *   # or, with each endpoint's region (ELS prefers client-defaults.load-balancing-config.localRegion):
 *   # endpoints = [{ address = "127.0.0.1:7001", region = "region-1" }, { address = "127.0.0.1:7002" }]
 *   deadline = 500ms
 *   methods { "squadron.shuffle.v1.ShuffleService/Shuffle" { deadline = 1s } }
 * }
 * </pre>
 *
 * @param name the service's name in config and in client metrics
 * @param target a gRPC target URI ({@code dns:///host:port}, or {@code static:///h1:p1,h2:p2} for
 *     addresses)
 * @param loadBalancingPolicy the policy name ({@code round_robin}, {@code els}, ...)
 * @param loadBalancingConfig the policy's config object, JSON-shaped (numbers as Double)
 * @param deadline the default deadline of every call
 * @param maxInboundMessageSize larger responses fail with RESOURCE_EXHAUSTED
 * @param methods per-method overrides
 * @param metrics how latency is recorded
 */
public record ClientSettings(
    String name,
    String target,
    String loadBalancingPolicy,
    Map<String, ?> loadBalancingConfig,
    Duration deadline,
    int maxInboundMessageSize,
    List<MethodSettings> methods,
    MetricsSettings metrics) {

  public ClientSettings {
    requireNonNull(name, "name");
    requireNonNull(target, "target");
    requireNonNull(loadBalancingPolicy, "loadBalancingPolicy");
    loadBalancingConfig = Map.copyOf(requireNonNull(loadBalancingConfig, "loadBalancingConfig"));
    requireNonNull(deadline, "deadline");
    methods = List.copyOf(requireNonNull(methods, "methods"));
    requireNonNull(metrics, "metrics");
  }

  /**
   * Settings for calling {@code name} at fixed addresses with the defaults of {@code
   * squadron.client-defaults}.
   */
  public static ClientSettings forAddresses(
      String name, List<String> addresses, ClientSettings defaults) {
    return new ClientSettings(
        name,
        StaticNameResolverProvider.target(addresses),
        defaults.loadBalancingPolicy,
        defaults.loadBalancingConfig,
        defaults.deadline,
        defaults.maxInboundMessageSize,
        List.of(),
        defaults.metrics);
  }

  /** A copy using another load-balancing policy and its JSON config. */
  public ClientSettings withLoadBalancing(String policy, Map<String, ?> config) {
    return new ClientSettings(
        name, target, policy, config, deadline, maxInboundMessageSize, methods, metrics);
  }

  /** A copy with another default deadline. */
  public ClientSettings withDeadline(Duration newDeadline) {
    return new ClientSettings(
        name,
        target,
        loadBalancingPolicy,
        loadBalancingConfig,
        newDeadline,
        maxInboundMessageSize,
        methods,
        metrics);
  }

  /**
   * Reads one client: {@code client} is {@code squadron.clients.<name>}, {@code defaults} is {@code
   * squadron.client-defaults}; a key set in the client wins.
   */
  static ClientSettings from(String name, ConfigReader client, ConfigReader defaults) {
    String target;
    int ways =
        (client.has("target") ? 1 : 0)
            + (client.has("addresses") ? 1 : 0)
            + (client.has("endpoints") ? 1 : 0);
    if (ways > 1) {
      throw new InvalidConfigException(
          client.key("target"), "set one of target, addresses or endpoints, not several");
    } else if (client.has("endpoints")) {
      target = endpointsTarget(client);
    } else if (client.has("target")) {
      target = client.nonEmptyString("target");
    } else if (client.has("addresses")) {
      List<String> addresses = client.strings("addresses");
      if (addresses.isEmpty()) {
        throw new InvalidConfigException(
            client.key("addresses"), "empty (expected: [\"host:port\", ...])");
      }
      try {
        target = StaticNameResolverProvider.target(addresses);
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(client.key("addresses"), e.getMessage());
      }
    } else {
      throw new InvalidConfigException(
          client.key("target"), "missing (expected: target, addresses or endpoints)");
    }
    ConfigReader source = client.has("load-balancing-policy") ? client : defaults;
    String policy = source.nonEmptyString("load-balancing-policy");
    Map<String, ?> policyConfig =
        source.has("load-balancing-config") ? source.jsonObject("load-balancing-config") : Map.of();
    Duration deadline = (client.has("deadline") ? client : defaults).positiveDuration("deadline");
    int maxInbound =
        (client.has("max-inbound-message-size") ? client : defaults)
            .bytes("max-inbound-message-size", 1024);
    List<MethodSettings> methods = new ArrayList<>();
    if (client.has("methods")) {
      ConfigReader all = client.child("methods");
      for (String method : all.keys()) {
        ConfigReader m = all.childKey(method);
        methods.add(
            new MethodSettings(
                method,
                m.has("deadline") ? Optional.of(m.positiveDuration("deadline")) : Optional.empty(),
                m.has("retry")
                    ? Optional.of(RetrySettings.from(m.child("retry")))
                    : Optional.empty()));
      }
    }
    return new ClientSettings(
        name,
        target,
        policy,
        policyConfig,
        deadline,
        maxInbound,
        methods,
        MetricsSettings.from(defaults.child("metrics")));
  }

  private static String endpointsTarget(ConfigReader client) {
    List<ConfigReader> endpoints = client.objects("endpoints");
    if (endpoints.isEmpty()) {
      throw new InvalidConfigException(
          client.key("endpoints"),
          "empty (expected: [{ address = \"host:port\", region = \"...\" }, ...])");
    }
    List<Map.Entry<String, Optional<String>>> entries = new ArrayList<>();
    for (ConfigReader endpoint : endpoints) {
      String address = endpoint.nonEmptyString("address");
      Optional<String> region =
          endpoint.has("region")
              ? Optional.of(endpoint.nonEmptyString("region"))
              : Optional.empty();
      try {
        entries.add(Map.entry(address, region));
        StaticNameResolverProvider.targetWithRegions(List.of(Map.entry(address, region)));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(endpoint.key("address"), e.getMessage());
      }
    }
    return StaticNameResolverProvider.targetWithRegions(entries);
  }

  /**
   * The defaults alone, as settings for an unnamed client (targets still come from each client).
   */
  static ClientSettings defaults(ConfigReader defaults) {
    return new ClientSettings(
        "defaults",
        "static:///127.0.0.1:1",
        defaults.nonEmptyString("load-balancing-policy"),
        defaults.has("load-balancing-config")
            ? defaults.jsonObject("load-balancing-config")
            : Map.of(),
        defaults.positiveDuration("deadline"),
        defaults.bytes("max-inbound-message-size", 1024),
        List.of(),
        MetricsSettings.from(defaults.child("metrics")));
  }
}
