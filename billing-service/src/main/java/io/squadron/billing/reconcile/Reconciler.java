package io.squadron.billing.reconcile;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.billing.engine.PaymentEngine;
import io.squadron.billing.payment.RefundRecord;
import io.squadron.billing.store.PaymentStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves what billing does not know yet, on every instance at once without two looking at the
 * same payment: every {@code interval} it claims up to {@code batch} payments whose next check is
 * due ({@code SELECT ... FOR UPDATE SKIP LOCKED}, pushing their next check a lease ahead) and lets
 * the engine look at each: a start whose answer was lost is repeated with the same provider key,
 * anything pending is polled, and the payment's next check follows the method's schedule ({@link
 * ReconcileSchedule}). Refunds whose answer was lost are repeated too, and idempotency keys past
 * their time are deleted. A payment left behind by a killed instance is found the same way.
 */
public final class Reconciler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /**
   * @param interval how often to look for due payments
   * @param batch how many payments one look claims
   * @param threads how many payments are looked at in parallel
   * @param lease how long a claimed payment is left to this instance
   * @param sweepInterval how often expired idempotency keys are deleted
   */
  public record Settings(
      Duration interval, int batch, int threads, Duration lease, Duration sweepInterval) {
    public Settings {
      requireNonNull(interval, "interval");
      requireNonNull(lease, "lease");
      requireNonNull(sweepInterval, "sweepInterval");
      if (batch < 1 || threads < 1) {
        throw new IllegalArgumentException(
            "batch, threads: " + batch + ", " + threads + " (expected: >= 1)");
      }
    }
  }

  private final PaymentStore store;
  private final PaymentEngine engine;
  private final Settings settings;
  private final ScheduledExecutorService timer;
  private final ThreadPoolExecutor workers;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong resolvedRounds = new AtomicLong();
  private final Object round = new Object();
  private long lastSweep;

  private Reconciler(
      PaymentStore store, PaymentEngine engine, Settings settings, MeterRegistry registry) {
    this.store = store;
    this.engine = engine;
    this.settings = settings;
    AtomicInteger n = new AtomicInteger();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "billing-reconciler"));
    this.workers =
        new ThreadPoolExecutor(
            settings.threads(),
            settings.threads(),
            60,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(settings.batch() * 2),
            r -> daemon(r, "billing-reconcile-" + n.incrementAndGet()),
            new ThreadPoolExecutor.CallerRunsPolicy());
    Gauge.builder("billing_reconciler_backlog", backlog, AtomicLong::doubleValue)
        .description("Open payments whose next check is due (sampled each round)")
        .register(registry);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Starts looking every {@code settings.interval()}. */
  public static Reconciler start(
      PaymentStore store, PaymentEngine engine, Settings settings, MeterRegistry registry) {
    Reconciler r =
        new Reconciler(
            requireNonNull(store, "store"),
            requireNonNull(engine, "engine"),
            requireNonNull(settings, "settings"),
            requireNonNull(registry, "registry"));
    long every = Math.max(1, settings.interval().toMillis());
    r.timer.scheduleWithFixedDelay(r::safeRound, every, every, TimeUnit.MILLISECONDS);
    return r;
  }

  private void safeRound() {
    try {
      runRound();
    } catch (RuntimeException e) {
      // The store may be away; the next round tries again.
      log.warn("reconciler round failed: {}", e.toString());
    }
  }

  /**
   * One round: claims due payments and looks at each (in parallel), repeats lost refunds, sweeps
   * old keys.
   *
   * @return how many payments it looked at
   */
  public int runRound() {
    synchronized (round) {
      backlog.set(store.backlog());
      List<String> due = store.claimDue(settings.batch(), settings.lease());
      CountDownLatch done = new CountDownLatch(due.size());
      for (String id : due) {
        workers.execute(
            () -> {
              try {
                engine.reconcile(id);
              } catch (RuntimeException e) {
                log.warn("reconciling payment {} failed: {}", id, e.toString());
              } finally {
                done.countDown();
              }
            });
      }
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      for (RefundRecord refund : store.pendingRefunds(settings.batch())) {
        try {
          engine.retryRefund(refund);
        } catch (RuntimeException e) {
          log.info("repeating refund {}: {}", refund.id(), e.toString());
        }
      }
      long now = System.nanoTime();
      if (now - lastSweep > settings.sweepInterval().toNanos()) {
        lastSweep = now;
        int swept = store.sweepExpiredKeys(10_000);
        if (swept > 0) {
          log.info("deleted {} expired idempotency keys", swept);
        }
      }
      resolvedRounds.incrementAndGet();
      return due.size();
    }
  }

  /** Open payments whose check was due at the last round. */
  public long backlog() {
    return backlog.get();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
    try {
      workers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
