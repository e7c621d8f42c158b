package io.squadron.testkit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition that becomes true on its own (a server restarts, a cache expires, an event
 * arrives), polling with a short growing pause, and fails with a message saying what was awaited
 * and for how long. Tests wait for conditions, never for fixed times.
 *
 * <pre>{@code
 * Await.until(Duration.ofSeconds(30), "userdb ready again", () -> USERDB.server().isReady());
 * User user = Await.value(Duration.ofSeconds(10), "the user in the target store", () -> target.get(id));
 * }</pre>
 */
public final class Await {
  private static final long FIRST_PAUSE_MILLIS = 10;
  private static final long MAX_PAUSE_MILLIS = 250;

  private Await() {}

  /**
   * Returns once {@code condition} holds; a condition that throws counts as not holding yet.
   *
   * @throws AssertionError when it still does not hold after {@code timeout}, naming {@code what}
   *     and the last failure
   */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    requireNonNull(condition, "condition");
    value(
        timeout,
        what,
        () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
  }

  /**
   * Returns the first present value {@code probe} gives; a probe that throws counts as not present
   * yet.
   *
   * @throws AssertionError when none came within {@code timeout}
   */
  public static <T> T value(Duration timeout, String what, Supplier<Optional<T>> probe) {
    requireNonNull(timeout, "timeout");
    requireNonNull(what, "what");
    requireNonNull(probe, "probe");
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = FIRST_PAUSE_MILLIS;
    RuntimeException last = null;
    while (true) {
      try {
        Optional<T> value = probe.get();
        if (value.isPresent()) {
          return value.get();
        }
      } catch (RuntimeException e) {
        last = e;
      }
      if (System.nanoTime() - deadline >= 0) {
        AssertionError error =
            new AssertionError(
                "waited "
                    + timeout.toMillis()
                    + " ms for "
                    + what
                    + (last == null ? "" : "; last failure: " + last));
        if (last != null) {
          error.initCause(last);
        }
        throw error;
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
      pause = Math.min(MAX_PAUSE_MILLIS, pause * 2);
    }
  }
}
