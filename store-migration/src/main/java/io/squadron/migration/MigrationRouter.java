package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one call of a migrating service against the stores its phase names: reads from the primary,
 * with the same read done dark against the secondary and compared; writes to the primary, then the
 * secondary. Logs name the entity by id only, never its contents.
 *
 * <p>Metrics: {@code migration_dark_reads_total{migration, result=match|mismatch|error}}, {@code
 * migration_secondary_write_failures_total{migration}}.
 */
public final class MigrationRouter {
  private static final Logger log = LoggerFactory.getLogger(MigrationRouter.class);

  /** One call against one store. */
  @FunctionalInterface
  public interface SideCall<R, E extends Exception> {
    /** Runs the call against {@code side}. */
    R call(Side side) throws E;
  }

  /** Undoes a primary write whose secondary write failed. */
  @FunctionalInterface
  public interface Undo<R> {
    /** Undoes {@code result} on {@code primary}. */
    void undo(Side primary, R result);
  }

  private final PhaseWatcher watcher;
  private final Counter darkMatches;
  private final Counter darkMismatches;
  private final Counter darkErrors;
  private final Counter secondaryFailures;
  // Before the backfill every old row misses on the target: one log line per second, the counter
  // has the rest.
  private final AtomicLong lastMismatchLogNanos =
      new AtomicLong(System.nanoTime() - 1_000_000_000L);
  private final AtomicLong unloggedMismatches = new AtomicLong();

  /** A router over {@code watcher}'s phase, counting into {@code registry}. */
  public MigrationRouter(PhaseWatcher watcher, MeterRegistry registry) {
    this.watcher = requireNonNull(watcher, "watcher");
    MeterRegistry r = registry == null ? new SimpleMeterRegistry() : registry;
    String m = watcher.migration();
    darkMatches =
        Counter.builder("migration_dark_reads_total")
            .tag("migration", m)
            .tag("result", "match")
            .register(r);
    darkMismatches =
        Counter.builder("migration_dark_reads_total")
            .tag("migration", m)
            .tag("result", "mismatch")
            .register(r);
    darkErrors =
        Counter.builder("migration_dark_reads_total")
            .tag("migration", m)
            .tag("result", "error")
            .register(r);
    secondaryFailures =
        Counter.builder("migration_secondary_write_failures_total").tag("migration", m).register(r);
  }

  private void logMismatch(Side side, String id) {
    long now = System.nanoTime();
    long last = lastMismatchLogNanos.get();
    if (now - last >= 1_000_000_000L && lastMismatchLogNanos.compareAndSet(last, now)) {
      log.info(
          "migration {}: dark read mismatch on {} for id {} ({} more since the last line)",
          watcher.migration(),
          side,
          id,
          unloggedMismatches.getAndSet(0));
    } else {
      unloggedMismatches.incrementAndGet();
    }
  }

  /** The phase new calls run under. */
  public Phase phase() {
    return watcher.current();
  }

  /**
   * Reads from the primary and returns that; in a dual phase, reads the secondary too and compares
   * with {@code same}. A failing or different dark read is counted and logged by {@code id}, never
   * returned.
   */
  public <R, E extends Exception> R read(String id, SideCall<R, E> read, BiPredicate<R, R> same)
      throws E {
    try (PhaseWatcher.Ticket ticket = watcher.enter()) {
      Phase phase = ticket.phase();
      R primary = read.call(phase.primary());
      Optional<Side> secondary = phase.secondary();
      if (secondary.isPresent()) {
        try {
          R dark = read.call(secondary.get());
          if (same.test(primary, dark)) {
            darkMatches.increment();
          } else {
            darkMismatches.increment();
            logMismatch(secondary.get(), id);
          }
        } catch (Exception e) {
          darkErrors.increment();
          log.info(
              "migration {}: dark read on {} failed for id {}: {}",
              watcher.migration(),
              secondary.get(),
              id,
              e.getClass().getSimpleName());
        }
      }
      return primary;
    }
  }

  /** Writes to the primary, then the secondary; a failing secondary write fails the call. */
  public <R, E extends Exception> R write(String id, SideCall<R, E> write) throws E {
    return write(id, write, (side, result) -> {});
  }

  /**
   * Writes to the primary, then the secondary. When the secondary fails, {@code undo} reverts the
   * primary write and the secondary's exception fails the call: the stores never silently diverge.
   */
  public <R, E extends Exception> R write(String id, SideCall<R, E> write, Undo<R> undo) throws E {
    try (PhaseWatcher.Ticket ticket = watcher.enter()) {
      Phase phase = ticket.phase();
      R result = write.call(phase.primary());
      Optional<Side> secondary = phase.secondary();
      if (secondary.isPresent()) {
        try {
          write.call(secondary.get());
        } catch (Exception | Error e) {
          secondaryFailures.increment();
          log.warn(
              "migration {}: write to {} failed for id {}: {}",
              watcher.migration(),
              secondary.get(),
              id,
              e.getClass().getSimpleName());
          try {
            undo.undo(phase.primary(), result);
          } catch (RuntimeException undoFailure) {
            e.addSuppressed(undoFailure);
          }
          throw e;
        }
      }
      return result;
    }
  }
}
