package io.squadron.journeys;

import static java.util.Objects.requireNonNull;

import io.grpc.StatusRuntimeException;
import io.squadron.journeys.platform.CallFailure;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Retries a call the API makes safe to repeat (an idempotency key, a request id, a read, a step
 * already answered) after transient failures, with exponential backoff and full jitter, until a
 * deadline. Anything else fails at once: a client that retries what is not safe could pay twice.
 */
final class Retrier {
  /** The first backoff. */
  static final Duration INITIAL_BACKOFF = Duration.ofMillis(100);

  /** The longest backoff. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private final LongSupplier nanoTime;
  private final Sleeper sleeper;

  /** Sleeps between attempts (injected so a test need not wait). */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  Retrier(LongSupplier nanoTime, Sleeper sleeper) {
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.sleeper = requireNonNull(sleeper, "sleeper");
  }

  static Retrier system() {
    return new Retrier(System::nanoTime, d -> Thread.sleep(d.toMillis()));
  }

  /**
   * The outcome of a retried call.
   *
   * @param value its value
   * @param retries how many retries it took
   * @param firstFailure the first transient failure's code and reason, empty when none
   * @param firstFailureMillis how long the first attempt took to fail (how fast a dependency that
   *     is down is reported), 0 when none
   */
  record Outcome<T>(T value, int retries, String firstFailure, long firstFailureMillis) {}

  /**
   * Calls {@code call} until it succeeds, fails for good, or {@code deadline} passes (the last
   * failure is thrown). Only transient failures ({@link CallFailure#transientFailure()}) are
   * retried.
   */
  <T> Outcome<T> retrying(Duration deadline, Supplier<T> call) {
    long start = nanoTime.getAsLong();
    long end = start + deadline.toNanos();
    long backoff = INITIAL_BACKOFF.toNanos();
    int retries = 0;
    String first = "";
    long firstMillis = 0;
    while (true) {
      CallFailure failure;
      long attempt = nanoTime.getAsLong();
      try {
        return new Outcome<>(call.get(), retries, first, firstMillis);
      } catch (StatusRuntimeException e) {
        failure = CallFailure.of(e);
      } catch (CallFailure e) {
        failure = e;
      }
      long now = nanoTime.getAsLong();
      if (first.isEmpty()) {
        first = failure.code() + (failure.reason().isEmpty() ? "" : "/" + failure.reason());
        firstMillis = (now - attempt) / 1_000_000;
      }
      if (!failure.transientFailure() || now >= end) {
        throw failure;
      }
      long pause = Math.min(ThreadLocalRandom.current().nextLong(backoff + 1), end - now);
      try {
        sleeper.sleep(Duration.ofNanos(pause));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw failure;
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF.toNanos());
      retries++;
    }
  }

  /** Calls {@code call} once; a gRPC failure becomes a {@link CallFailure}. */
  static <T> T once(Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw CallFailure.of(e);
    }
  }
}
