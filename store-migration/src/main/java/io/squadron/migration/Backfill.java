package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the target hold what the source holds, in two passes, page by page, paced to at most {@code
 * rowsPerSecond}, saving a checkpoint after every page, so a run killed half way resumes after the
 * last saved key:
 *
 * <ol>
 *   <li>the source's keys, in the source's order: every row is copied and verified (a row still
 *       different after a copy and one retry is counted as a mismatch and logged by key);
 *   <li>the target's keys, in the target's order: a row that differs from the source's (most often
 *       one the source no longer has: a delete whose write to the target failed during a dual-write
 *       phase) is copied again, which removes it or brings it up to date. Without this pass such
 *       rows would be served after the switch.
 * </ol>
 *
 * <p>Metrics: {@code migration_backfill_rows_total{migration, result=copied|reconciled|mismatch}}.
 */
public final class Backfill {
  private static final Logger log = LoggerFactory.getLogger(Backfill.class);

  /** The keys of either store, each in a stable order of its own. */
  @FunctionalInterface
  public interface KeySource {
    /**
     * Up to {@code limit} keys of {@code side}'s store after {@code cursor} (empty: from the
     * first).
     */
    List<String> keysAfter(Side side, Optional<String> cursor, int limit);
  }

  /**
   * Copies and compares one row; both must be idempotent and never overwrite a newer row in the
   * target.
   */
  public interface RowCopier {
    /**
     * Makes the target hold the source's current row for {@code key} (or no row, if the source has
     * none).
     */
    void copy(String key);

    /** Whether source and target now hold the same row (or both none) for {@code key}. */
    boolean verify(String key);
  }

  /** Sleeps (injected, so tests need not). */
  @FunctionalInterface
  public interface Sleeper {
    /** Sleeps {@code nanos}. */
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final ControlStore control;
  private final String migration;
  private final KeySource keys;
  private final RowCopier copier;
  private final int pageSize;
  private final long nanosPerRow;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final Counter copied;
  private final Counter reconciled;
  private final Counter mismatched;
  private long nextRowAt;

  private Backfill(Builder b) {
    this.control = b.control;
    this.migration = b.migration;
    this.keys = b.keys;
    this.copier = b.copier;
    this.pageSize = b.pageSize;
    this.nanosPerRow = 1_000_000_000L / b.rowsPerSecond;
    this.nanoTime = b.nanoTime;
    this.sleeper = b.sleeper;
    MeterRegistry r = b.registry == null ? new SimpleMeterRegistry() : b.registry;
    this.copied =
        Counter.builder("migration_backfill_rows_total")
            .tag("migration", migration)
            .tag("result", "copied")
            .register(r);
    this.reconciled =
        Counter.builder("migration_backfill_rows_total")
            .tag("migration", migration)
            .tag("result", "reconciled")
            .register(r);
    this.mismatched =
        Counter.builder("migration_backfill_rows_total")
            .tag("migration", migration)
            .tag("result", "mismatch")
            .register(r);
    this.nextRowAt = nanoTime.getAsLong();
  }

  /** A builder. */
  public static Builder builder(
      ControlStore control, String migration, KeySource keys, RowCopier copier) {
    return new Builder(control, migration, keys, copier);
  }

  /**
   * Handles one page after the saved checkpoint and saves the new one.
   *
   * @return the checkpoint after the page; {@code done} once both passes reached their end
   */
  public BackfillCheckpoint runPage() throws InterruptedException {
    BackfillCheckpoint at = control.checkpoint(migration);
    if (at.done()) {
      return at;
    }
    List<String> page = keys.keysAfter(at.pass(), at.cursor(), pageSize);
    if (page.isEmpty()) {
      BackfillCheckpoint next;
      if (at.pass() == Side.SOURCE) {
        next =
            new BackfillCheckpoint(
                Optional.empty(),
                Side.TARGET,
                at.copied(),
                at.reconciled(),
                at.mismatches(),
                false);
        log.info(
            "migration {}: backfill copied {} rows; now reconciling the target's rows",
            migration,
            at.copied());
      } else {
        next =
            new BackfillCheckpoint(
                at.cursor(), Side.TARGET, at.copied(), at.reconciled(), at.mismatches(), true);
        log.info(
            "migration {}: backfill done, {} rows copied, {} target rows reconciled, {} mismatches",
            migration,
            next.copied(),
            next.reconciled(),
            next.mismatches());
      }
      control.saveCheckpoint(migration, next);
      return next;
    }
    long rows = 0;
    long fixed = 0;
    long mismatches = 0;
    for (String key : page) {
      pace();
      boolean sourcePass = at.pass() == Side.SOURCE;
      if (!sourcePass && copier.verify(key)) {
        continue; // the usual case in the target pass: the source pass or a dual write made them
        // equal already
      }
      if (sourcePass) {
        rows++;
        copied.increment();
      }
      if (copyAndVerify(key)) {
        if (!sourcePass) {
          fixed++;
          reconciled.increment();
        }
      } else {
        mismatches++;
        mismatched.increment();
        log.warn(
            "migration {}: backfill mismatch for id {} after retry ({} pass)",
            migration,
            key,
            at.pass());
      }
    }
    BackfillCheckpoint next =
        new BackfillCheckpoint(
            Optional.of(page.get(page.size() - 1)),
            at.pass(),
            at.copied() + rows,
            at.reconciled() + fixed,
            at.mismatches() + mismatches,
            false);
    control.saveCheckpoint(migration, next);
    return next;
  }

  /**
   * Copies {@code key}, and once more if it still differs (a concurrent write may have raced the
   * first copy).
   */
  private boolean copyAndVerify(String key) {
    copier.copy(key);
    if (copier.verify(key)) {
      return true;
    }
    copier.copy(key);
    return copier.verify(key);
  }

  /** Runs pages until done or until {@code keepGoing} says stop (checked between pages). */
  public BackfillCheckpoint run(java.util.function.BooleanSupplier keepGoing)
      throws InterruptedException {
    BackfillCheckpoint at = control.checkpoint(migration);
    while (!at.done() && keepGoing.getAsBoolean()) {
      at = runPage();
    }
    return at;
  }

  private void pace() throws InterruptedException {
    long now = nanoTime.getAsLong();
    if (nextRowAt > now) {
      sleeper.sleepNanos(nextRowAt - now);
    } else if (now - nextRowAt > 1_000_000_000L) {
      nextRowAt = now; // idle for a while: no burst to catch up
    }
    nextRowAt += nanosPerRow;
  }

  /** Builds a {@link Backfill}. */
  public static final class Builder {
    private final ControlStore control;
    private final String migration;
    private final KeySource keys;
    private final RowCopier copier;
    private int pageSize = 200;
    private int rowsPerSecond = 1000;
    private LongSupplier nanoTime = System::nanoTime;
    private Sleeper sleeper = nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    private MeterRegistry registry;

    private Builder(ControlStore control, String migration, KeySource keys, RowCopier copier) {
      this.control = requireNonNull(control, "control");
      this.migration = requireNonNull(migration, "migration");
      this.keys = requireNonNull(keys, "keys");
      this.copier = requireNonNull(copier, "copier");
    }

    /** Rows per page, and per checkpoint (default 200). */
    public Builder pageSize(int pageSize) {
      if (pageSize < 1) {
        throw new IllegalArgumentException("pageSize: " + pageSize + " (expected: >= 1)");
      }
      this.pageSize = pageSize;
      return this;
    }

    /** The most rows copied per second (default 1000). */
    public Builder rowsPerSecond(int rowsPerSecond) {
      if (rowsPerSecond < 1 || rowsPerSecond > 1_000_000) {
        throw new IllegalArgumentException(
            "rowsPerSecond: " + rowsPerSecond + " (expected: 1..1000000)");
      }
      this.rowsPerSecond = rowsPerSecond;
      return this;
    }

    /**
     * The clock used for pacing, and how to wait (tests pass a fake clock whose sleeper advances
     * it).
     */
    public Builder clock(LongSupplier nanoTime, Sleeper sleeper) {
      this.nanoTime = requireNonNull(nanoTime, "nanoTime");
      this.sleeper = requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Where the row counters go. */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /** The backfill. */
    public Backfill build() {
      return new Backfill(this);
    }
  }
}
