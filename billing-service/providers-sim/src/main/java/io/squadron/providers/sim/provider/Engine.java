package io.squadron.providers.sim.provider;

import io.squadron.providers.sim.core.Draws;
import io.squadron.providers.sim.faults.ProviderSettings;

/** What providers need from the simulator around them. */
public interface Engine {
  /** Simulated now, epoch ms. */
  long nowMs();

  /** The seeded decisions. */
  Draws draws();

  /** The provider's current control settings. */
  ProviderSettings settings(String provider);

  /**
   * Queues a timer; the simulator calls {@link Provider#onTimer} once simulated time reaches {@code
   * dueMs}.
   */
  void scheduleTimer(String provider, String paymentId, String action, long dueMs);

  /**
   * The simulator's own base URL ({@code http://127.0.0.1:PORT}), for redirect and approval links.
   */
  String publicUrl();

  /** Counts an injected decline for the stats. */
  void countDecline(String provider);
}
