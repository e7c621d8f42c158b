package io.squadron.deploy.rollout;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.call.ServiceCall;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The rollout's own traffic to a canary and its baseline: the given calls ({@code METHOD=JSON}),
 * made as an identity over mutual TLS to each instance directly (learned from server reflection, so
 * no service is named in code), at a fixed rate.
 */
public final class ServiceCallTraffic implements Rollout.TrafficSource {
  /**
   * One call of the traffic.
   *
   * @param method {@code Method}, {@code Service/Method} or {@code package.Service/Method}
   * @param json the request as JSON
   */
  public record Call(String method, String json) {
    public Call {
      requireNonNull(method, "method");
      requireNonNull(json, "json");
    }

    /**
     * {@code METHOD=JSON}, as {@code --traffic} takes it.
     *
     * @throws IllegalArgumentException naming {@code --traffic} when there is no {@code =}
     */
    public static Call parse(String spec) {
      int eq = spec == null ? -1 : spec.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--traffic " + spec + ": expected METHOD=JSON, e.g. Shuffle='{\"tracks\": [...]}'");
      }
      return new Call(spec.substring(0, eq).trim(), spec.substring(eq + 1));
    }
  }

  private final String service;
  private final List<String> grpcServices;
  private final Path certDir;
  private final String caller;
  private final List<Call> calls;
  private final double callsPerSecond;
  private final RandomGenerator random;

  /**
   * Traffic to {@code service}'s instances as {@code caller} (its certificate in {@code certDir}),
   * {@code callsPerSecond} calls a second to each side.
   */
  public ServiceCallTraffic(
      String service,
      List<String> grpcServices,
      Path certDir,
      String caller,
      List<Call> calls,
      double callsPerSecond,
      RandomGenerator random) {
    this.service = requireNonNull(service, "service");
    this.grpcServices = List.copyOf(grpcServices);
    this.certDir = requireNonNull(certDir, "certDir");
    this.caller = requireNonNull(caller, "caller");
    this.calls = List.copyOf(calls);
    if (calls.isEmpty()) {
      throw new IllegalArgumentException("calls: empty (expected: at least one --traffic)");
    }
    this.callsPerSecond = callsPerSecond;
    this.random = requireNonNull(random, "random");
  }

  @Override
  public CanaryTraffic start(Fleet.Instance canary, Fleet.Instance baseline) {
    List<ServiceCall> opened = new ArrayList<>();
    try {
      CanaryTraffic.Target c = target("canary", canary, opened);
      CanaryTraffic.Target b = target("baseline", baseline, opened);
      CanaryTraffic traffic = CanaryTraffic.start(List.of(c, b), callsPerSecond, random);
      traffic.onClose(() -> opened.forEach(ServiceCall::close));
      return traffic;
    } catch (RuntimeException e) {
      opened.forEach(ServiceCall::close);
      throw e;
    }
  }

  private CanaryTraffic.Target target(
      String name, Fleet.Instance instance, List<ServiceCall> opened) {
    ServiceCall call =
        ServiceCall.asIdentity(
            service, grpcServices, instance.address(), certDir, caller, Duration.ofSeconds(10));
    opened.add(call);
    List<Supplier<?>> prepared = new ArrayList<>();
    for (Call c : calls) {
      prepared.add(call.prepare(c.method(), c.json()));
    }
    return new CanaryTraffic.Target(name, prepared);
  }
}
