package io.squadron.deploy.local;

import java.util.ArrayList;
import java.util.List;

/**
 * How many instances of each service {@code up} runs, and where: with one region, {@code instances}
 * in region {@value #LOCAL_REGION}, group {@code a}; with two or more, regions {@code region-1..R}
 * times groups {@code a} and {@code b} (two deployment groups per region, as in the Kubernetes
 * manifests), {@code instances} each.
 *
 * @param regions how many regions (1 or more)
 * @param instances instances per region and group (1 or more)
 */
public record FleetShape(int regions, int instances) {
  /** The region of a one-region platform. */
  public static final String LOCAL_REGION = "local";

  /** One instance of each service in region {@value #LOCAL_REGION}. */
  public static final FleetShape SINGLE = new FleetShape(1, 1);

  public FleetShape {
    if (regions < 1 || regions > 9) {
      throw new IllegalArgumentException("regions: " + regions + " (expected: 1..9)");
    }
    if (instances < 1 || instances > 9) {
      throw new IllegalArgumentException("instances: " + instances + " (expected: 1..9)");
    }
  }

  /** The region names, in rollout order. */
  public List<String> regionNames() {
    if (regions == 1) {
      return List.of(LOCAL_REGION);
    }
    List<String> names = new ArrayList<>();
    for (int r = 1; r <= regions; r++) {
      names.add("region-" + r);
    }
    return names;
  }

  /** The deployment groups of each region, in rollout order. */
  public List<String> groups() {
    return regions == 1 ? List.of("a") : List.of("a", "b");
  }

  /** Every slot of {@code service}: by region, then group, then index. */
  public List<InstanceSlot> slots(String service) {
    List<InstanceSlot> slots = new ArrayList<>();
    for (String region : regionNames()) {
      for (String group : groups()) {
        for (int i = 0; i < instances; i++) {
          slots.add(new InstanceSlot(service, region, group, i));
        }
      }
    }
    return slots;
  }
}
