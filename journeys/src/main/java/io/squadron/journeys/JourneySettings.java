package io.squadron.journeys;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How a run of journeys behaves.
 *
 * @param concurrency journeys under way at once
 * @param duration how long new journeys start (those under way then finish)
 * @param sepaEvery every how many journeys one pays by SEPA debit (0: none)
 * @param callDeadline each call's deadline
 * @param stepDeadline how long a step may keep retrying transient failures
 * @param eventDeadline how long a payment's outcome may take to reach checkout (through billing's
 *     outbox, Kafka and checkout's consumer)
 * @param finishByEvent true: wait for the session by reading it (only the payment event can finish
 *     it); false: poll the payment step (checkout asks billing)
 * @param stopFile when this file exists, no new journey starts (a chaos run ends the journeys once
 *     its faults are done), even before {@code duration}
 */
record JourneySettings(
    int concurrency,
    Duration duration,
    int sepaEvery,
    Duration callDeadline,
    Duration stepDeadline,
    Duration eventDeadline,
    boolean finishByEvent,
    java.util.Optional<java.nio.file.Path> stopFile) {
  JourneySettings {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
    }
    requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: >= 0)");
    }
    if (sepaEvery < 0) {
      throw new IllegalArgumentException("sepaEvery: " + sepaEvery + " (expected: >= 0)");
    }
    requireNonNull(callDeadline, "callDeadline");
    requireNonNull(stepDeadline, "stepDeadline");
    requireNonNull(eventDeadline, "eventDeadline");
    requireNonNull(stopFile, "stopFile");
  }

  /** Whether new journeys may start: before the end, and no stop file. */
  boolean mayStart(long nowNanos, long endNanos) {
    return nowNanos < endNanos && stopFile.map(f -> !java.nio.file.Files.exists(f)).orElse(true);
  }
}
