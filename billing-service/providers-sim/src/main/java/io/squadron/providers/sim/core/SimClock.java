package io.squadron.providers.sim.core;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The simulator's business clock: when payments are created, authorizations and vouchers expire,
 * debits confirm and return. In {@code REAL} mode it is the wall clock plus everything advanced so
 * far; in {@code MANUAL} mode it stands still at a start instant plus everything advanced, so tests
 * decide exactly when time passes. Advancing is how a test gets "seven days later" in milliseconds.
 *
 * <p>Webhook signatures do not use this clock: their timestamp is the wall clock at delivery, as a
 * receiver checks it against its own clock.
 */
public final class SimClock {
  /** How the clock moves. */
  public enum Mode {
    /** Wall clock plus the advanced offset. */
    REAL,
    /** A fixed start plus the advanced offset; nothing moves unless advanced. */
    MANUAL
  }

  private final Mode mode;
  private final long startMs;
  private final LongSupplier wallMs;
  private final AtomicLong advancedMs = new AtomicLong();

  /** A clock in {@code mode}; {@code start} is used in MANUAL mode only. */
  public SimClock(Mode mode, Instant start, LongSupplier wallMs) {
    this.mode = mode;
    this.startMs = start.toEpochMilli();
    this.wallMs = wallMs;
  }

  /** The mode. */
  public Mode mode() {
    return mode;
  }

  /** Simulated now, in epoch milliseconds. */
  public long nowMs() {
    return (mode == Mode.REAL ? wallMs.getAsLong() : startMs) + advancedMs.get();
  }

  /** Moves simulated time forward by {@code millis} (>= 0) and returns the new now. */
  public long advance(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("millis: " + millis + " (expected: >= 0)");
    }
    advancedMs.addAndGet(millis);
    return nowMs();
  }

  /** Everything advanced so far, in milliseconds (persisted, so a restart keeps simulated time). */
  public long advancedMs() {
    return advancedMs.get();
  }

  /** Restores the advanced offset read back from the journal. */
  public void restoreAdvanced(long millis) {
    advancedMs.set(millis);
  }
}
