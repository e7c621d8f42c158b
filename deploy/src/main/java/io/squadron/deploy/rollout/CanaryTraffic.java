package io.squadron.deploy.rollout;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Bounded traffic a rollout drives to its canary and baseline itself: at a fixed rate, each tick
 * makes the same call on every target, in a random order, one after the other on one thread, so
 * both sides see the same requests under the same machine load (the analysis compares them, not
 * absolute numbers). At most a few ticks run at once; a tick that finds them all busy is skipped
 * and counted, so a slow canary never piles up calls. Stops on {@link #close()}.
 */
public final class CanaryTraffic implements AutoCloseable {
  private static final int MAX_TICKS_IN_FLIGHT = 4;

  /**
   * One instance the traffic goes to.
   *
   * @param name how the counts name it (canary, baseline)
   * @param calls the calls to make on it, taken in turn; each throws when the call fails
   */
  public record Target(String name, List<Supplier<?>> calls) {
    public Target {
      requireNonNull(name, "name");
      calls = List.copyOf(calls);
      if (calls.isEmpty()) {
        throw new IllegalArgumentException("calls: empty (expected: at least one call)");
      }
    }
  }

  /** Calls made to one target so far. */
  public record Counts(long ok, long failed) {
    /** All calls. */
    public long total() {
      return ok + failed;
    }
  }

  private final List<Target> targets;
  private final Map<String, AtomicLong[]> counts = new LinkedHashMap<>();
  private final ScheduledExecutorService ticks;
  private final ExecutorService callers;
  private final Semaphore inFlight = new Semaphore(MAX_TICKS_IN_FLIGHT);
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong tick = new AtomicLong();
  private final RandomGenerator random;
  private final List<Runnable> onClose = new java.util.concurrent.CopyOnWriteArrayList<>();

  private CanaryTraffic(List<Target> targets, RandomGenerator random) {
    this.targets = List.copyOf(targets);
    this.random = random;
    for (Target t : targets) {
      if (counts.put(t.name(), new AtomicLong[] {new AtomicLong(), new AtomicLong()}) != null) {
        throw new IllegalArgumentException("targets: '" + t.name() + "' twice");
      }
    }
    this.ticks = Executors.newSingleThreadScheduledExecutor(daemon("squadron-canary-traffic"));
    this.callers =
        Executors.newFixedThreadPool(MAX_TICKS_IN_FLIGHT, daemon("squadron-canary-call"));
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Starts {@code ticksPerSecond} ticks a second over {@code targets} (each tick one call per
   * target), shuffling the order of each tick with {@code random}.
   */
  public static CanaryTraffic start(
      List<Target> targets, double ticksPerSecond, RandomGenerator random) {
    requireNonNull(targets, "targets");
    requireNonNull(random, "random");
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("targets: empty (expected: canary and baseline)");
    }
    if (!(ticksPerSecond > 0 && ticksPerSecond <= 10_000)) {
      throw new IllegalArgumentException(
          "ticksPerSecond: " + ticksPerSecond + " (expected: 0 < rate <= 10000)");
    }
    CanaryTraffic traffic = new CanaryTraffic(targets, random);
    long periodNanos = (long) (1e9 / ticksPerSecond);
    traffic.ticks.scheduleAtFixedRate(traffic::tick, 0, periodNanos, TimeUnit.NANOSECONDS);
    return traffic;
  }

  private void tick() {
    if (!inFlight.tryAcquire()) {
      skipped.incrementAndGet();
      return;
    }
    long n = tick.getAndIncrement();
    int first;
    synchronized (random) {
      first = random.nextInt(targets.size());
    }
    try {
      callers.execute(
          () -> {
            try {
              for (int k = 0; k < targets.size(); k++) {
                Target target = targets.get((first + k) % targets.size());
                AtomicLong[] c = counts.get(target.name());
                try {
                  target.calls().get((int) (n % target.calls().size())).get();
                  c[0].incrementAndGet();
                } catch (RuntimeException e) {
                  c[1].incrementAndGet();
                }
              }
            } finally {
              inFlight.release();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      inFlight.release();
    }
  }

  /** The calls made to {@code target} so far. */
  public Counts counts(String target) {
    AtomicLong[] c = counts.get(target);
    if (c == null) {
      throw new IllegalArgumentException(
          "target: '" + target + "' (expected: one of " + counts.keySet() + ")");
    }
    return new Counts(c[0].get(), c[1].get());
  }

  /** Ticks skipped because calls were still in flight (the targets are slower than the rate). */
  public long skipped() {
    return skipped.get();
  }

  /** Runs {@code action} after the traffic stops (closing its channels). */
  public void onClose(Runnable action) {
    onClose.add(requireNonNull(action, "action"));
  }

  /** Stops the ticks, waits (a little) for calls in flight, then runs the close actions. */
  @Override
  public void close() {
    ticks.shutdownNow();
    callers.shutdown();
    try {
      if (!callers.awaitTermination(10, TimeUnit.SECONDS)) {
        callers.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callers.shutdownNow();
    }
    onClose.forEach(Runnable::run);
  }
}
