package io.squadron.journeys;

import static java.util.Objects.requireNonNull;

import io.squadron.journeys.platform.CallFailure;
import io.squadron.journeys.platform.CheckoutHttp;
import io.squadron.journeys.platform.PlatformClients;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.GetPaymentRequest;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.checkout.v1.SessionState;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs journeys: {@code concurrency} at a time, each worker starting a new one as soon as its last
 * ended, until {@code duration} passed (journeys under way then finish); every {@code sepaEvery}-th
 * pays by SEPA debit. A settler advances the simulator's clock every two seconds while a SEPA debit
 * waits. Prints each journey's outcome as it ends.
 */
final class JourneyDriver {
  private final Journey.Collaborators with;
  private final PrintStream out;
  private final AtomicInteger sepaWaiting = new AtomicInteger();

  JourneyDriver(Journey.Collaborators with, PrintStream out) {
    this.with = requireNonNull(with, "with");
    this.out = requireNonNull(out, "out");
  }

  /** Runs the journeys; the results in the order they ended. */
  List<JourneyResult> run() throws InterruptedException {
    JourneySettings s = with.settings();
    List<JourneyResult> results = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger ids = new AtomicInteger();
    long start = System.nanoTime();
    long end = start + s.duration().toNanos();
    ScheduledExecutorService settler =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sepa-settler"));
    settler.scheduleWithFixedDelay(
        () -> {
          if (sepaWaiting.get() > 0) {
            try {
              with.clock().settleSepa();
            } catch (RuntimeException e) {
              out.println("  (simulator clock not advanced: " + e.getMessage() + "; trying again)");
            }
          }
        },
        2,
        2,
        TimeUnit.SECONDS);
    ExecutorService workers =
        Executors.newFixedThreadPool(s.concurrency(), r -> daemon(r, "journey"));
    List<Future<?>> running = new ArrayList<>();
    for (int w = 0; w < s.concurrency(); w++) {
      running.add(
          workers.submit(
              () -> {
                do {
                  int id = ids.incrementAndGet();
                  Journey.Kind kind =
                      s.sepaEvery() > 0 && id % s.sepaEvery() == 0
                          ? Journey.Kind.SEPA
                          : Journey.Kind.CARD_3DS;
                  if (kind == Journey.Kind.SEPA) {
                    sepaWaiting.incrementAndGet();
                  }
                  JourneyResult r;
                  try {
                    r = new Journey(id, kind, with).run(start);
                  } finally {
                    if (kind == Journey.Kind.SEPA) {
                      sepaWaiting.decrementAndGet();
                    }
                  }
                  results.add(r);
                  print(r);
                } while (s.mayStart(System.nanoTime(), end)
                    && !Thread.currentThread().isInterrupted());
              }));
    }
    try {
      for (Future<?> f : running) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("a journey worker died", e.getCause());
    } finally {
      workers.shutdownNow();
      settler.shutdownNow();
    }
    List<JourneyResult> all = new ArrayList<>(results);
    all.sort((a, b) -> Integer.compare(a.id(), b.id()));
    return all;
  }

  private void print(JourneyResult r) {
    synchronized (out) {
      out.printf(
          "  +%6.1f s  journey %4d %-8s %s %6d ms%s%n",
          r.startedAtMillis() / 1000.0,
          r.id(),
          r.kind(),
          r.ok() ? "OK    " : "FAILED",
          r.millis(),
          r.ok() ? "" : "  at " + r.failedStep() + ": " + r.error());
    }
  }

  /**
   * Payments whose outcome never reached checkout: billing says SUCCEEDED, yet the session is not
   * COMPLETED within the event deadline (read as the app and the operator would).
   */
  long lostEvents(List<JourneyResult> results, PlatformClients clients, CheckoutHttp checkout) {
    long lost = 0;
    for (JourneyResult r : results) {
      if (r.paymentId().isEmpty() || passed(r, "finished")) {
        continue;
      }
      PaymentStatus status =
          Retrier.system()
              .retrying(
                  with.settings().stepDeadline(),
                  () ->
                      BillingServiceGrpc.newBlockingStub(clients.asOperator("billing"))
                          .getPayment(
                              GetPaymentRequest.newBuilder().setPaymentId(r.paymentId()).build())
                          .getPayment()
                          .getStatus())
              .value();
      if (status != PaymentStatus.SUCCEEDED) {
        continue;
      }
      long deadline = System.nanoTime() + with.settings().eventDeadline().toNanos();
      boolean completed = false;
      while (!completed && System.nanoTime() < deadline) {
        try {
          completed = checkout.get(r.sessionId()).getState() == SessionState.COMPLETED;
        } catch (CallFailure e) {
          if (!e.transientFailure()) {
            break;
          }
        }
        if (!completed) {
          sleep(Duration.ofMillis(500));
        }
      }
      if (!completed) {
        out.println(
            "  lost: journey "
                + r.id()
                + "'s payment "
                + r.paymentId()
                + " SUCCEEDED, session not COMPLETED");
        lost++;
      }
    }
    return lost;
  }

  private static boolean passed(JourneyResult r, String step) {
    return r.steps().stream().anyMatch(s -> s.name().equals(step) && s.ok())
        || r.ok()
        || r.steps().stream().anyMatch(s -> s.name().equals("shuffle"));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
