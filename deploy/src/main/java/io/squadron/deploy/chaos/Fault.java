package io.squadron.deploy.chaos;

/** One fault chaos injects, and recovers from, in turn. */
public interface Fault {
  /** What it does, for the plan and the log. */
  String describe();

  /**
   * Injects the fault and waits for the recovery it expects (a restarted instance, a store back),
   * logging both.
   *
   * @return false when the platform did not recover as expected
   */
  boolean inject(ChaosTarget target, EventLog log) throws InterruptedException;
}
