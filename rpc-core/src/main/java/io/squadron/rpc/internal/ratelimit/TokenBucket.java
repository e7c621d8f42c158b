package io.squadron.rpc.internal.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A lock-free token bucket in the GCRA form: one long, the theoretical arrival time (TAT) of the
 * next call at the sustained rate. A call is admitted when moving TAT one interval ahead keeps it
 * within {@code burst} intervals of now; a compare-and-set commits it. Equivalent to a bucket of
 * {@code burst} tokens refilled at {@code rate}.
 */
final class TokenBucket {
  private final RateLimit limit;
  private final long interval;
  private final long tolerance;
  private final AtomicLong tat;

  /** A full bucket at time {@code now}. */
  TokenBucket(RateLimit limit, long now) {
    this.limit = limit;
    this.interval = limit.intervalNanos();
    this.tolerance = interval * limit.burst();
    this.tat = new AtomicLong(now);
  }

  /** The limit this bucket applies. */
  RateLimit limit() {
    return limit;
  }

  /**
   * A bucket applying {@code newLimit} that carries this one's use on (its theoretical arrival
   * time).
   */
  TokenBucket withLimit(RateLimit newLimit) {
    TokenBucket next = new TokenBucket(newLimit, 0);
    next.tat.set(tat.get());
    return next;
  }

  /**
   * Takes a token at {@code now}.
   *
   * @return 0 when taken, else the nanoseconds until one will be free (nothing is taken)
   */
  long tryAcquire(long now) {
    for (; ; ) {
      long current = tat.get();
      long base = current - now > 0 ? current : now;
      long next = base + interval;
      long excess = next - now - tolerance;
      if (excess > 0) {
        return excess;
      }
      if (tat.compareAndSet(current, next)) {
        return 0;
      }
    }
  }

  /** Whether the bucket has been full for at least {@code idleNanos} at {@code now}. */
  boolean idleFor(long now, long idleNanos) {
    return now - tat.get() >= idleNanos;
  }
}
