package io.squadron.billing.payment;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Successes and attempts of one provider for one method over a sliding time window, in {@value
 * #BUCKETS} buckets (lock-free: a bucket is reset by the first writer that finds it stale). The
 * rate adds one success and one failure of prior (Laplace), so a provider without samples rates 0.5
 * rather than 0 or 1, and a few samples move it gradually.
 */
public final class SuccessWindow {
  static final int BUCKETS = 10;

  private final long bucketNanos;
  private final LongSupplier nanoTime;
  // Per bucket: [epoch, successes, attempts] flattened.
  private final AtomicLongArray cells = new AtomicLongArray(BUCKETS * 3);

  /** A window of length {@code window}, reading time from {@code nanoTime}. */
  public SuccessWindow(Duration window, LongSupplier nanoTime) {
    requireNonNull(window, "window");
    if (window.toMillis() < BUCKETS) {
      throw new IllegalArgumentException(
          "window: " + window + " (expected: >= " + BUCKETS + " ms)");
    }
    this.bucketNanos = window.toNanos() / BUCKETS;
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    for (int i = 0; i < BUCKETS; i++) {
      cells.set(i * 3, Long.MIN_VALUE);
    }
  }

  /** Records one attempt and whether it succeeded. */
  public void record(boolean success) {
    long epoch = Math.floorDiv(nanoTime.getAsLong(), bucketNanos);
    int i = Math.floorMod(epoch, BUCKETS) * 3;
    long seen = cells.get(i);
    if (seen != epoch && cells.compareAndSet(i, seen, epoch)) {
      cells.set(i + 1, 0);
      cells.set(i + 2, 0);
    }
    if (success) {
      cells.incrementAndGet(i + 1);
    }
    cells.incrementAndGet(i + 2);
  }

  /** Successes and attempts within the window now. */
  public long[] counts() {
    long epoch = Math.floorDiv(nanoTime.getAsLong(), bucketNanos);
    long successes = 0;
    long attempts = 0;
    for (int b = 0; b < BUCKETS; b++) {
      int i = b * 3;
      long e = cells.get(i);
      if (e > epoch - BUCKETS && e <= epoch) {
        successes += cells.get(i + 1);
        attempts += cells.get(i + 2);
      }
    }
    return new long[] {successes, attempts};
  }

  /** The success rate with a Laplace prior, in (0, 1). */
  public double rate() {
    long[] c = counts();
    return (c[0] + 1.0) / (c[1] + 2.0);
  }
}
