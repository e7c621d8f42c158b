package io.squadron.deploy.chaos;

import io.squadron.infra.LocalServer;
import java.time.Duration;
import java.util.List;

/** What chaos acts on: a running platform's service instances and the stores it started. */
public interface ChaosTarget {
  /** The services, each after the ones it calls. */
  List<String> services();

  /** A running instance of {@code service} to kill (its process id and a label for the log). */
  Instance pickInstance(String service);

  /**
   * Waits until the slot of {@code killed} runs a new, ready process (the supervisor restarted it);
   * that process, or empty when it did not in {@code timeout}.
   */
  java.util.Optional<Instance> awaitRestarted(Instance killed, Duration timeout)
      throws InterruptedException;

  /** The stores this platform started (external ones cannot be faulted from here). */
  List<LocalServer> stores();

  /** Stops every instance of {@code service} (they are not restarted until restored). */
  Outage stopService(String service) throws InterruptedException;

  /** A service whose instances are stopped. */
  interface Outage {
    /** What was stopped, for the log. */
    String instances();

    /** Starts them again and waits until every one is ready; false when not in {@code timeout}. */
    boolean restore(Duration timeout) throws InterruptedException;
  }

  /**
   * An instance.
   *
   * @param service its service
   * @param label where it runs, e.g. {@code local/a#0}
   * @param pid its process
   */
  record Instance(String service, String label, long pid) {}
}
