package io.squadron.deploy.rollout;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * What a rollout needs of the platform it changes: a service's desired instances (each slot's
 * release), changed atomically, and a wait until the running instances match them. On the local
 * platform it is {@code up}'s desired state and supervisor; a cluster would be its Deployments.
 */
public interface Fleet {
  /**
   * One desired instance of a service.
   *
   * @param region its region
   * @param group its deployment group
   * @param index its number in the region and group
   * @param release the release it runs
   * @param port its gRPC port on 127.0.0.1 (0 in a change: allocate one)
   * @param adminPort its admin (metrics) port (0 in a change: allocate one)
   */
  record Instance(String region, String group, int index, String release, int port, int adminPort) {
    public Instance {
      requireNonNull(region, "region");
      requireNonNull(group, "group");
      requireNonNull(release, "release");
    }

    /** A new instance in a slot, on ports the fleet allocates. */
    public static Instance added(String region, String group, int index, String release) {
      return new Instance(region, group, index, release, 0, 0);
    }

    /** The same slot running {@code newRelease}. */
    public Instance withRelease(String newRelease) {
      return new Instance(region, group, index, newRelease, port, adminPort);
    }

    /** Whether {@code other} is the same slot. */
    public boolean sameSlot(Instance other) {
      return region.equals(other.region) && group.equals(other.group) && index == other.index;
    }

    /** {@code region/group#index}. */
    public String location() {
      return region + "/" + group + "#" + index;
    }

    /** {@code 127.0.0.1:port}: where calls go. */
    public String address() {
      return "127.0.0.1:" + port;
    }

    /** {@code 127.0.0.1:adminPort}: Prometheus's {@code instance} label of it. */
    public String adminAddress() {
      return "127.0.0.1:" + adminPort;
    }
  }

  /** {@code service}'s desired instances, in order. */
  List<Instance> instances(String service);

  /**
   * Replaces {@code service}'s desired instances with {@code change} of them, atomically (no other
   * writer's change is lost); returns them as written (added instances with their ports).
   */
  List<Instance> update(String service, UnaryOperator<List<Instance>> change);

  /**
   * Waits until every desired instance of {@code service} runs its release and is ready, and no
   * other instance of it runs.
   *
   * @throws IllegalStateException when that is not so after {@code timeout} (saying which slot is
   *     not)
   */
  void awaitConverged(String service, Duration timeout) throws InterruptedException;
}
