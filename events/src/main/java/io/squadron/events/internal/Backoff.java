package io.squadron.events.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: {@code initial * 2^(attempt - 1)}, capped at {@code max}, each
 * delay drawn uniformly from 80% to 100% of that (so retrying instances drift apart).
 *
 * @param initial the delay before the first retry
 * @param max the longest delay
 */
public record Backoff(Duration initial, Duration max) {
  /** Validates. */
  public Backoff {
    requireNonNull(initial, "initial");
    requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial backoff: " + initial + " (expected: > 0)");
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "max backoff: " + max + " (expected: >= initial " + initial + ")");
    }
  }

  /** The delay before retry number {@code attempt} (1 for the first retry). */
  public Duration delay(int attempt, RandomGenerator random) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt: " + attempt + " (expected: >= 1)");
    }
    long cap = max.toNanos();
    long nanos = initial.toNanos();
    for (int i = 1; i < attempt && nanos < cap; i++) {
      nanos = Math.min(cap, nanos * 2);
    }
    nanos = Math.min(cap, nanos);
    long jittered = nanos - (long) (nanos * 0.2 * random.nextDouble());
    return Duration.ofNanos(Math.max(1, jittered));
  }

  /**
   * Sleeps {@code delay} in slices of at most 50 ms, returning early (false) once {@code keepGoing}
   * turns false or the thread is interrupted (the interrupt flag is kept).
   *
   * @return whether the whole delay passed
   */
  public static boolean sleep(Duration delay, BooleanSupplier keepGoing) {
    long deadline = System.nanoTime() + delay.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return true;
      }
      if (!keepGoing.getAsBoolean()) {
        return false;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
