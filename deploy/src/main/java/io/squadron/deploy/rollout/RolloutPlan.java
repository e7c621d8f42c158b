package io.squadron.deploy.rollout;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.catalog.PlatformTopology;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;

/**
 * The steps of a rollout, from the service's descriptor (its deployment groups, in order) and the
 * platform's regions (in order): a canary (one instance of the first group in the first region,
 * beside a baseline of the old version started at the same time, judged by the canary analysis),
 * then the rest of that group in that region, then each other group of that region, then every
 * other region group by group. A bad release so reaches one instance first, then at most one group
 * of one region at a time.
 *
 * @param service the service rolled out
 * @param version the version it goes to
 * @param steps the steps in order
 */
public record RolloutPlan(String service, String version, List<Step> steps) {
  /** How many instances of its group a step moves to the new version. */
  public enum Scope {
    /** One instance, compared with a baseline: the canary. */
    CANARY,
    /** Every instance of the group in the region. */
    GROUP
  }

  /**
   * One step: a group in a region, canary or whole.
   *
   * @param number the step's number, from 1
   * @param region the region
   * @param group the deployment group
   * @param scope canary or the whole group
   */
  public record Step(int number, String region, String group, Scope scope) {
    public Step {
      requireNonNull(region, "region");
      requireNonNull(group, "group");
      requireNonNull(scope, "scope");
    }

    /**
     * A line for the plan and the reports: {@code 1. canary: one instance of group a in us-east}.
     */
    public String describe() {
      return number
          + ". "
          + (scope == Scope.CANARY
              ? "canary: one instance of group "
                  + group
                  + " in "
                  + region
                  + ", against a baseline of the old version started with it"
              : "group " + group + " in " + region);
    }
  }

  public RolloutPlan {
    requireNonNull(service, "service");
    requireNonNull(version, "version");
    steps = List.copyOf(steps);
  }

  /**
   * The plan of {@code descriptor}'s service to {@code version} over {@code topology}'s regions.
   */
  public static RolloutPlan of(
      ServiceDescriptor descriptor, PlatformTopology topology, String version) {
    requireNonNull(descriptor, "descriptor");
    requireNonNull(topology, "topology");
    checkVersion(version);
    List<String> groups = descriptor.deploymentGroups();
    List<String> regions = topology.regions();
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(1, regions.get(0), groups.get(0), Scope.CANARY));
    for (String region : regions) {
      for (String group : groups) {
        steps.add(new Step(steps.size() + 1, region, group, Scope.GROUP));
      }
    }
    return new RolloutPlan(descriptor.name(), version, steps);
  }

  /**
   * The plan of {@code service} to {@code version} over the regions and groups its instances run in
   * (in the order given: the canary goes to the first group of the first region).
   */
  public static RolloutPlan of(
      String service, String version, List<String> regions, List<String> groups) {
    requireNonNull(service, "service");
    checkVersion(version);
    if (regions.isEmpty() || groups.isEmpty()) {
      throw new IllegalArgumentException(
          service + ": no instances (expected: a running service with at least one instance)");
    }
    List<Step> steps = new ArrayList<>();
    steps.add(new Step(1, regions.get(0), groups.get(0), Scope.CANARY));
    for (String region : regions) {
      for (String group : groups) {
        steps.add(new Step(steps.size() + 1, region, group, Scope.GROUP));
      }
    }
    return new RolloutPlan(service, version, steps);
  }

  private static void checkVersion(String version) {
    if (version == null || !version.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
      throw new IllegalArgumentException(
          "--to "
              + version
              + ": expected a version such as 1.4.2 or 2026-12-01.1 "
              + "(letters, digits, '.', '_' or '-', at most 64)");
    }
  }

  /** The plan as the lines {@code squadron rollout --plan} prints. */
  public String describe() {
    StringBuilder out = new StringBuilder("rollout of " + service + " to " + version + ":\n");
    steps.forEach(s -> out.append("  ").append(s.describe()).append('\n'));
    return out.toString();
  }
}
