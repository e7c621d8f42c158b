package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Backfill} on whichever instance holds the lease while the phase is {@link
 * Phase#BACKFILL}: one page per lease renewal, so an instance that dies loses the lease after
 * {@code leaseTtl} and another resumes from the saved checkpoint.
 */
public final class BackfillWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BackfillWorker.class);

  private final PhaseWatcher watcher;
  private final ControlStore control;
  private final Backfill backfill;
  private final Duration leaseTtl;
  private final Clock clock;
  private final ScheduledExecutorService executor;
  private volatile boolean closed;

  /** Starts checking every {@code interval} whether there is backfill work for this instance. */
  public BackfillWorker(
      PhaseWatcher watcher,
      ControlStore control,
      Backfill backfill,
      Duration interval,
      Duration leaseTtl,
      Clock clock) {
    this.watcher = requireNonNull(watcher, "watcher");
    this.control = requireNonNull(control, "control");
    this.backfill = requireNonNull(backfill, "backfill");
    this.leaseTtl = requireNonNull(leaseTtl, "leaseTtl");
    this.clock = requireNonNull(clock, "clock");
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "migration-backfill-" + watcher.migration());
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        this::work, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void work() {
    String migration = watcher.migration();
    try {
      while (!closed
          && watcher.current() == Phase.BACKFILL
          && control.tryLease(migration, watcher.instanceId(), clock.instant(), leaseTtl)) {
        if (backfill.runPage().done()) {
          control.releaseLease(migration, watcher.instanceId());
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("migration {}: backfill page failed, will retry: {}", migration, e.toString());
    }
  }

  /** Stops; the lease expires on its own, and the next owner resumes from the checkpoint. */
  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
