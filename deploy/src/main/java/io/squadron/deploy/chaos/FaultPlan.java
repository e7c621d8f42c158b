package io.squadron.deploy.chaos;

import io.squadron.infra.LocalServer;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The faults of a chaos run, from what the platform runs: one instance of each service killed, and
 * per store kind the platform started: Cassandra paused for {@link #CASSANDRA_PAUSE}, memcached and
 * Kafka killed and started again, PostgreSQL restarted. Instance kills and store faults alternate,
 * so their effects do not pile up. Stores the platform did not start (external, {@code SQUADRON_*})
 * and kinds without a fault here (the provider simulator, an external system) are left alone.
 */
public final class FaultPlan {
  /** How long Cassandra is paused. */
  public static final Duration CASSANDRA_PAUSE = Duration.ofSeconds(3);

  private static final Map<String, StoreFault.Kind> BY_STORE_KIND =
      Map.of(
          ServiceDescriptor.Stores.CASSANDRA, StoreFault.Kind.PAUSE,
          ServiceDescriptor.Stores.MEMCACHED, StoreFault.Kind.KILL_AND_RESTART,
          ServiceDescriptor.Stores.KAFKA, StoreFault.Kind.KILL_AND_RESTART,
          ServiceDescriptor.Stores.POSTGRES, StoreFault.Kind.RESTART);

  private static final List<String> STORE_ORDER =
      List.of(
          ServiceDescriptor.Stores.CASSANDRA,
          ServiceDescriptor.Stores.MEMCACHED,
          ServiceDescriptor.Stores.KAFKA,
          ServiceDescriptor.Stores.POSTGRES);

  private FaultPlan() {}

  /** How long each outage of a whole service lasts. */
  public static final Duration OUTAGE = Duration.ofSeconds(10);

  /**
   * The faults {@code target} allows, instance kills and store faults alternating, then an outage
   * of each service in {@code outages} (every instance stopped for {@link #OUTAGE}).
   *
   * @param kills the services one instance of which is killed (empty: every service)
   * @param storeKinds the store kinds faulted (empty: every kind the platform started)
   */
  public static List<Fault> of(
      ChaosTarget target, List<String> kills, List<String> storeKinds, List<String> outages) {
    for (String service : kills) {
      if (!target.services().contains(service)) {
        throw new IllegalArgumentException(
            "kill: no service '" + service + "' (services: " + target.services() + ")");
      }
    }
    for (String kind : storeKinds) {
      if (!BY_STORE_KIND.containsKey(kind)) {
        throw new IllegalArgumentException(
            "store fault: no fault for store kind '" + kind + "' (kinds: " + STORE_ORDER + ")");
      }
    }
    for (String service : outages) {
      if (!target.services().contains(service)) {
        throw new IllegalArgumentException(
            "outage: no service '" + service + "' (services: " + target.services() + ")");
      }
    }
    List<Fault> instances = new ArrayList<>();
    for (String service : kills.isEmpty() ? target.services() : kills) {
      instances.add(new KillInstance(service));
    }
    List<Fault> stores = new ArrayList<>();
    for (String kind : STORE_ORDER) {
      if (!storeKinds.isEmpty() && !storeKinds.contains(kind)) {
        continue;
      }
      for (LocalServer server : target.stores()) {
        if (server.kind().equals(kind)) {
          stores.add(new StoreFault(server, BY_STORE_KIND.get(kind), CASSANDRA_PAUSE));
        }
      }
    }
    List<Fault> plan = new ArrayList<>();
    for (int i = 0; i < Math.max(instances.size(), stores.size()); i++) {
      if (i < instances.size()) {
        plan.add(instances.get(i));
      }
      if (i < stores.size()) {
        plan.add(stores.get(i));
      }
    }
    for (String service : outages) {
      plan.add(new ServiceOutage(service, OUTAGE));
    }
    return plan;
  }
}
