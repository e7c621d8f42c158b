package io.squadron.rpc.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns {@link ClientSettings} into a gRPC service config (the JSON-shaped map grpc-java takes):
 * the load-balancing policy, a default timeout for every method ({@code "name": [{}]}), and
 * per-method timeouts and retry policies.
 */
final class ServiceConfigs {
  private ServiceConfigs() {}

  static Map<String, Object> of(ClientSettings settings) {
    Map<String, Object> config = new LinkedHashMap<>();
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put(settings.loadBalancingPolicy(), settings.loadBalancingConfig());
    config.put("loadBalancingConfig", List.of(policy));
    List<Object> methodConfigs = new ArrayList<>();
    methodConfigs.add(methodConfig(Map.of(), settings.deadline(), null));
    for (MethodSettings method : settings.methods()) {
      methodConfigs.add(
          methodConfig(
              name(method.fullMethodName()),
              method.deadline().orElse(settings.deadline()),
              method.retry().orElse(null)));
    }
    config.put("methodConfig", methodConfigs);
    return config;
  }

  static boolean anyRetry(ClientSettings settings) {
    return settings.methods().stream().anyMatch(m -> m.retry().isPresent());
  }

  private static Map<String, Object> methodConfig(
      Map<String, Object> name, Duration timeout, RetrySettings retry) {
    Map<String, Object> methodConfig = new LinkedHashMap<>();
    methodConfig.put("name", List.of(name));
    methodConfig.put("timeout", seconds(timeout));
    if (retry != null) {
      Map<String, Object> policy = new LinkedHashMap<>();
      policy.put("maxAttempts", (double) retry.maxAttempts());
      policy.put("initialBackoff", seconds(retry.initialBackoff()));
      policy.put("maxBackoff", seconds(retry.maxBackoff()));
      policy.put("backoffMultiplier", retry.backoffMultiplier());
      policy.put(
          "retryableStatusCodes", retry.retryableStatusCodes().stream().map(Enum::name).toList());
      methodConfig.put("retryPolicy", policy);
    }
    return methodConfig;
  }

  private static Map<String, Object> name(String fullMethodName) {
    int slash = fullMethodName.indexOf('/');
    Map<String, Object> name = new LinkedHashMap<>();
    if (slash < 0) {
      name.put("service", fullMethodName);
    } else {
      name.put("service", fullMethodName.substring(0, slash));
      name.put("method", fullMethodName.substring(slash + 1));
    }
    return name;
  }

  private static String seconds(Duration d) {
    return d.getSeconds() + "." + String.format("%09d", d.getNano()) + "s";
  }
}
