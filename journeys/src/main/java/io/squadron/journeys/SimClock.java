package io.squadron.journeys;

import static java.util.Objects.requireNonNull;

import io.squadron.journeys.platform.ProviderSim;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The simulator's clock, shared by every journey of a run. SEPA debits settle only when simulated
 * days pass, and a 3-D Secure challenge is abandoned after one simulated hour: so the clock moves
 * only while no card journey is between starting its payment and passing its challenge (they hold
 * the read lock), and each advance is numbered so a SEPA journey knows when days passed after its
 * debit.
 */
final class SimClock {
  /** SEPA Core: submitted after a day, confirmed after three. */
  static final Duration SEPA_SETTLEMENT = Duration.ofDays(3).plusHours(1);

  private final ProviderSim sim;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
  private final AtomicLong advances = new AtomicLong();

  SimClock(ProviderSim sim) {
    this.sim = requireNonNull(sim, "sim");
  }

  /** Holds the clock still while {@code body} runs (a 3-D Secure challenge under way). */
  <T> T still(java.util.function.Supplier<T> body) {
    lock.readLock().lock();
    try {
      return body.get();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** How many times the clock was advanced so far. */
  long advances() {
    return advances.get();
  }

  /** Advances the clock past a SEPA settlement once no challenge is under way. */
  void settleSepa() {
    lock.writeLock().lock();
    try {
      sim.advanceClock(SEPA_SETTLEMENT);
      advances.incrementAndGet();
    } finally {
      lock.writeLock().unlock();
    }
  }
}
