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
 * Copies existing rows from the source to the target, page by page in the source's key order, verifying each row as
 * it goes (a row still different after a copy and one retry is counted as a mismatch and logged by key), paced to at
 * most {@code rowsPerSecond}, and saving a checkpoint after every page, so a run killed half way resumes after the
 * last saved key.
 *
 * <p>Metrics: {@code migration_backfill_rows_total{migration, result=copied|mismatch}}.
 */
public final class Backfill {
  private static final Logger log = LoggerFactory.getLogger(Backfill.class);

  /** The keys of the source, in a stable order. */
  @FunctionalInterface
  public interface KeySource {
    /** Up to {@code limit} keys after {@code cursor} (empty: from the first). */
    List<String> keysAfter(Optional<String> cursor, int limit);
  }

  /** Copies and compares one row; both must be idempotent and never overwrite a newer row in the target. */
  public interface RowCopier {
    /** Makes the target hold the source's current row for {@code key} (or no row, if the source has none). */
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
    this.copied = Counter.builder("migration_backfill_rows_total").tag("migration", migration).tag("result", "copied")
        .register(r);
    this.mismatched = Counter.builder("migration_backfill_rows_total").tag("migration", migration)
        .tag("result", "mismatch").register(r);
    this.nextRowAt = nanoTime.getAsLong();
  }

  /** A builder. */
  public static Builder builder(ControlStore control, String migration, KeySource keys, RowCopier copier) {
    return new Builder(control, migration, keys, copier);
  }

  /**
   * Copies one page after the saved checkpoint and saves the new one.
   *
   * @return the checkpoint after the page; {@code done} once the source has no more keys
   */
  public BackfillCheckpoint runPage() throws InterruptedException {
    BackfillCheckpoint at = control.checkpoint(migration);
    if (at.done()) {
      return at;
    }
    List<String> page = keys.keysAfter(at.cursor(), pageSize);
    if (page.isEmpty()) {
      BackfillCheckpoint done = new BackfillCheckpoint(at.cursor(), at.copied(), at.mismatches(), true);
      control.saveCheckpoint(migration, done);
      log.info("migration {}: backfill done, {} rows copied, {} mismatches", migration, done.copied(),
          done.mismatches());
      return done;
    }
    long rows = 0;
    long mismatches = 0;
    for (String key : page) {
      pace();
      copier.copy(key);
      if (!copier.verify(key)) {
        copier.copy(key);
        if (!copier.verify(key)) {
          mismatches++;
          mismatched.increment();
          log.warn("migration {}: backfill mismatch for id {} after retry", migration, key);
        }
      }
      rows++;
      copied.increment();
    }
    BackfillCheckpoint next = new BackfillCheckpoint(Optional.of(page.get(page.size() - 1)), at.copied() + rows,
        at.mismatches() + mismatches, false);
    control.saveCheckpoint(migration, next);
    return next;
  }

  /** Runs pages until done or until {@code keepGoing} says stop (checked between pages). */
  public BackfillCheckpoint run(java.util.function.BooleanSupplier keepGoing) throws InterruptedException {
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
        throw new IllegalArgumentException("rowsPerSecond: " + rowsPerSecond + " (expected: 1..1000000)");
      }
      this.rowsPerSecond = rowsPerSecond;
      return this;
    }

    /** The clock used for pacing, and how to wait (tests pass a fake clock whose sleeper advances it). */
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
