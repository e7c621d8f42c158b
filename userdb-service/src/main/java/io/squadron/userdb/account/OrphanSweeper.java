package io.squadron.userdb.account;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.userdb.store.AbandonOutcome;
import io.squadron.userdb.store.PendingCreate;
import io.squadron.userdb.store.UserStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives up creates that began and never finished (a failure between reserving the names and writing
 * the row, a client that stopped retrying): once a pending create is older than {@code grace}, its
 * names are released, its keys shredded and its record dropped, so a name is never blocked for good
 * and no keys stay behind. The grace must be far longer than any create takes (a create that is
 * retried starts its grace again); a create given up answers its later retries with {@code
 * REQUEST_ID_REUSED}.
 *
 * <p>Every instance may sweep: each step is a compare-and-set in the store, so two sweepers, or a
 * sweep and a retry, never both win. Metric: {@code userdb_orphan_creates_abandoned_total}.
 */
public final class OrphanSweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);

  private final UserStore store;
  private final AccountCrypto crypto;
  private final Clock clock;
  private final Duration grace;
  private final int batch;
  private final Counter abandoned;
  private ScheduledExecutorService executor;

  /**
   * A sweeper of {@code store}'s pending creates older than {@code grace}, up to {@code batch} per
   * pass.
   */
  public OrphanSweeper(
      UserStore store,
      AccountCrypto crypto,
      Clock clock,
      Duration grace,
      int batch,
      MeterRegistry registry) {
    this.store = requireNonNull(store, "store");
    this.crypto = requireNonNull(crypto, "crypto");
    this.clock = requireNonNull(clock, "clock");
    this.grace = requireNonNull(grace, "grace");
    if (grace.isNegative() || grace.isZero()) {
      throw new IllegalArgumentException("grace: " + grace + " (expected: > 0)");
    }
    if (batch < 1) {
      throw new IllegalArgumentException("batch: " + batch + " (expected: >= 1)");
    }
    this.batch = batch;
    this.abandoned =
        Counter.builder("userdb_orphan_creates_abandoned_total")
            .description(
                "Creates that never finished, given up by the orphan sweeper (names released, keys shredded)")
            .register(requireNonNull(registry, "registry"));
  }

  /** Sweeps every {@code interval} on a daemon thread until closed. */
  public synchronized OrphanSweeper start(Duration interval) {
    requireNonNull(interval, "interval");
    if (executor != null) {
      throw new IllegalStateException("started already");
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "userdb-orphan-sweeper");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        this::sweepQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void sweepQuietly() {
    try {
      sweepOnce();
    } catch (RuntimeException e) {
      log.warn("orphan sweep failed, will retry: {}", e.getClass().getSimpleName());
    }
  }

  /**
   * One pass over the pending creates older than the grace.
   *
   * @return how many were given up
   */
  public int sweepOnce() {
    Instant cutoff = clock.instant().minus(grace);
    long cutoffMicros = cutoff.getEpochSecond() * 1_000_000L + cutoff.getNano() / 1000;
    int count = 0;
    for (PendingCreate pending : store.unfinishedCreates(cutoffMicros, batch)) {
      try {
        if (store.abandon(pending) == AbandonOutcome.ABANDONED) {
          crypto.shred(pending.id());
          store.forget(pending.id());
          abandoned.increment();
          count++;
          log.info("gave up the create of {}: names released, keys shredded", pending.id());
        }
      } catch (RuntimeException e) {
        log.warn(
            "could not give up the create of {}, next pass retries: {}",
            pending.id(),
            e.getClass().getSimpleName());
      }
    }
    return count;
  }

  /** Stops sweeping (a pass in progress finishes its current create). */
  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
