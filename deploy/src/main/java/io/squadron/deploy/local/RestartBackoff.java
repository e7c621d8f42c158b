package io.squadron.deploy.local;

import java.time.Duration;

/**
 * How long the supervisor waits before restarting an instance that died, like Kubernetes's
 * CrashLoopBackOff: 1 s after the first crash, doubling with each crash in a row, at most 30 s; an
 * instance that ran {@link #RESET_AFTER} before it died starts again from 1 s.
 */
public final class RestartBackoff {
  /** The first delay. */
  public static final Duration INITIAL = Duration.ofSeconds(1);

  /** The longest delay. */
  public static final Duration MAX = Duration.ofSeconds(30);

  /** Running this long clears the count of crashes in a row. */
  public static final Duration RESET_AFTER = Duration.ofSeconds(60);

  private RestartBackoff() {}

  /**
   * The delay before the restart that follows {@code crashesInARow} crashes (1 for the first).
   *
   * @throws IllegalArgumentException when {@code crashesInARow < 1}
   */
  public static Duration delay(int crashesInARow) {
    if (crashesInARow < 1) {
      throw new IllegalArgumentException("crashesInARow: " + crashesInARow + " (expected: >= 1)");
    }
    int doublings = Math.min(crashesInARow - 1, 5);
    Duration d = INITIAL.multipliedBy(1L << doublings);
    return d.compareTo(MAX) > 0 ? MAX : d;
  }

  /**
   * The crashes in a row after an instance that had {@code previous} crashes in a row died having
   * run for {@code ranFor}.
   */
  public static int crashesInARow(int previous, Duration ranFor) {
    return ranFor.compareTo(RESET_AFTER) >= 0 ? 1 : previous + 1;
  }
}
