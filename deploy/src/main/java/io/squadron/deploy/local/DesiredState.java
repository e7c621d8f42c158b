package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the local platform should run: one {@link DesiredInstance} per slot, in start order (each
 * service after the services it calls). The supervisor's reconcile loop makes the running processes
 * match it; {@link DesiredStateFile} keeps it in {@code <runDir>/desired.json}. Immutable: the
 * {@code with...} methods return changed copies.
 *
 * @param instances every slot's desired instance; no slot twice, no port twice
 */
public record DesiredState(List<DesiredInstance> instances) {
  public DesiredState {
    instances = List.copyOf(requireNonNull(instances, "instances"));
    Map<InstanceSlot, DesiredInstance> bySlot = new LinkedHashMap<>();
    Map<Integer, InstanceSlot> byPort = new LinkedHashMap<>();
    for (DesiredInstance i : instances) {
      if (bySlot.put(i.slot(), i) != null) {
        throw new IllegalArgumentException("instances: " + i.slot() + " appears twice");
      }
      for (int port : new int[] {i.port(), i.adminPort()}) {
        InstanceSlot other = byPort.put(port, i.slot());
        if (other != null) {
          throw new IllegalArgumentException(
              "instances: port " + port + " of " + i.slot() + " is also used by " + other);
        }
      }
    }
  }

  /** The desired instance in {@code slot}. */
  public Optional<DesiredInstance> instance(InstanceSlot slot) {
    return instances.stream().filter(i -> i.slot().equals(slot)).findFirst();
  }

  /** The desired instances of {@code service}, in order. */
  public List<DesiredInstance> instancesOf(String service) {
    return instances.stream().filter(i -> i.slot().service().equals(service)).toList();
  }

  /**
   * A copy with {@code instance} in its slot: replacing the slot's entry in place, or added after
   * the last instance of its service (at the end for a new service).
   */
  public DesiredState with(DesiredInstance instance) {
    requireNonNull(instance, "instance");
    List<DesiredInstance> copy = new ArrayList<>(instances);
    for (int i = 0; i < copy.size(); i++) {
      if (copy.get(i).slot().equals(instance.slot())) {
        copy.set(i, instance);
        return new DesiredState(copy);
      }
    }
    int after = -1;
    for (int i = 0; i < copy.size(); i++) {
      if (copy.get(i).slot().service().equals(instance.slot().service())) {
        after = i;
      }
    }
    copy.add(after < 0 ? copy.size() : after + 1, instance);
    return new DesiredState(copy);
  }

  /**
   * A copy running {@code release} in {@code slot}.
   *
   * @throws IllegalArgumentException when the slot is not in this state
   */
  public DesiredState withRelease(InstanceSlot slot, String release) {
    DesiredInstance current =
        instance(slot)
            .orElseThrow(() -> new IllegalArgumentException("slot: " + slot + " is not desired"));
    return with(current.withRelease(release));
  }

  /** A copy without {@code slot} (its instance is stopped). */
  public DesiredState without(InstanceSlot slot) {
    requireNonNull(slot, "slot");
    return new DesiredState(instances.stream().filter(i -> !i.slot().equals(slot)).toList());
  }
}
