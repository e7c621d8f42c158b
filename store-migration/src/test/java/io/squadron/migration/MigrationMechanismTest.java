package io.squadron.migration;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.migration.jdbc.JdbcControlStore;
import io.squadron.testkit.PostgresExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The migration mechanism on its real control store (PostgreSQL), with a backfill between two real
 * tables that know nothing of any service: resume after a kill, pacing, controller refusals, and
 * phase reports that wait for in-flight calls.
 */
class MigrationMechanismTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();

  private static JdbcControlStore control;

  @BeforeAll
  static void start() {
    control = JdbcControlStore.create(PG.dataSource());
  }

  /** A copier that counts the rows it copies. */
  private static final class Counting implements Backfill.RowCopier {
    final VersionedRows.Copier copier;
    final AtomicInteger copies = new AtomicInteger();

    Counting(VersionedRows source, VersionedRows target) {
      copier = new VersionedRows.Copier(source, target);
    }

    @Override
    public void copy(String key) {
      copies.incrementAndGet();
      copier.copy(key);
    }

    @Override
    public boolean verify(String key) {
      return copier.verify(key);
    }
  }

  @Test
  void backfill_killedHalfWay_resumesAfterTheCheckpoint_andCopiesEveryRow() throws Exception {
    VersionedRows source = VersionedRows.create(PG.dataSource(), "resume_source");
    VersionedRows target = VersionedRows.create(PG.dataSource(), "resume_target");
    for (int i = 0; i < 120; i++) {
      source.put(String.format("resume-%03d", i), "value-" + i, 1);
    }
    String migration = "resume";
    Counting first = new Counting(source, target);
    Backfill killed =
        Backfill.builder(control, migration, first.copier, first)
            .pageSize(20)
            .rowsPerSecond(100_000)
            .build();
    killed.runPage();
    killed.runPage();
    BackfillCheckpoint halfway = killed.runPage();
    // The process dies here: the object is dropped, only the checkpoint survives.
    assertThat(halfway.copied()).isEqualTo(60);
    assertThat(halfway.done()).isFalse();
    assertThat(first.copies.get()).isEqualTo(60);

    // A row written to both stores after its copy keeps its newer version (dual writes run during
    // the backfill).
    source.put("resume-000", "newer", 2);
    target.put("resume-000", "newer", 2);
    // A row deleted from the source after the checkpoint, before the backfill reaches it, is never
    // copied.
    source.delete("resume-100");

    Counting second = new Counting(source, target);
    BackfillCheckpoint done =
        Backfill.builder(control, migration, second.copier, second)
            .pageSize(20)
            .rowsPerSecond(100_000)
            .build()
            .run(() -> true);
    assertThat(done.done()).isTrue();
    assertThat(done.copied()).isEqualTo(source.count()).isEqualTo(119);
    assertThat(done.mismatches()).isZero();
    assertThat(second.copies.get()).isEqualTo(59); // nothing before the checkpoint copied again
    assertThat(target.get("resume-000")).contains(new VersionedRows.Row("newer", 2));
    assertThat(target.get("resume-100")).isEmpty();
    for (int i = 1; i < 120; i++) {
      String key = String.format("resume-%03d", i);
      if (i != 100) {
        assertThat(target.get(key)).isEqualTo(source.get(key)).isPresent();
      }
    }
  }

  @Test
  void backfillNeverRemovesTargetOnlyRows_targetPassRemovesThem() throws Exception {
    VersionedRows source = VersionedRows.create(PG.dataSource(), "reconcile_source");
    VersionedRows target = VersionedRows.create(PG.dataSource(), "reconcile_target");
    for (int i = 0; i < 30; i++) {
      source.put(String.format("rec-%03d", i), "value-" + i, 1);
    }
    // What failed secondary writes of a dual-write phase leave behind: rows whose delete or change
    // never reached the
    // target. The source has none of the first kind, so a walk over the source's keys alone never
    // sees them.
    target.put("rec-005x", "deleted in the source", 3);
    target.put("rec-100", "deleted in the source", 1);
    target.put("zzz-last", "deleted in the source", 7);
    target.put("rec-010", "older", 0);
    Counting counting = new Counting(source, target);
    BackfillCheckpoint done =
        Backfill.builder(control, "reconcile", counting.copier, counting)
            .pageSize(7)
            .rowsPerSecond(100_000)
            .build()
            .run(() -> true);

    assertThat(done.done()).isTrue();
    assertThat(done.pass()).isEqualTo(Side.TARGET);
    assertThat(done.copied()).isEqualTo(30);
    assertThat(done.reconciled()).isEqualTo(3);
    assertThat(done.mismatches()).isZero();
    assertThat(target.get("rec-005x")).isEmpty();
    assertThat(target.get("rec-100")).isEmpty();
    assertThat(target.get("zzz-last")).isEmpty();
    assertThat(target.count()).isEqualTo(source.count());
    for (int i = 0; i < 30; i++) {
      String key = String.format("rec-%03d", i);
      assertThat(target.get(key)).isEqualTo(source.get(key));
    }
    // Rows equal in both are only compared in the target pass, never copied again.
    assertThat(counting.copies.get()).isEqualTo(30 + 3);
  }

  @Test
  void backfill_killedInTheTargetPass_resumesThere() throws Exception {
    VersionedRows source = VersionedRows.create(PG.dataSource(), "tresume_source");
    VersionedRows target = VersionedRows.create(PG.dataSource(), "tresume_target");
    for (int i = 0; i < 10; i++) {
      source.put("t-" + i, "v", 1);
    }
    for (int i = 0; i < 10; i++) {
      target.put("u-" + i, "orphan", 1);
    }
    Counting first = new Counting(source, target);
    Backfill killed =
        Backfill.builder(control, "tresume", first.copier, first)
            .pageSize(5)
            .rowsPerSecond(100_000)
            .build();
    BackfillCheckpoint at = killed.runPage();
    while (at.pass() == Side.SOURCE) {
      at = killed.runPage();
    }
    at = killed.runPage(); // the first page of the target pass
    assertThat(at.pass()).isEqualTo(Side.TARGET);
    assertThat(at.done()).isFalse();
    assertThat(at.cursor()).isPresent();

    Counting second = new Counting(source, target);
    BackfillCheckpoint done =
        Backfill.builder(control, "tresume", second.copier, second)
            .pageSize(5)
            .rowsPerSecond(100_000)
            .build()
            .run(() -> true);
    assertThat(done.done()).isTrue();
    assertThat(done.reconciled()).isEqualTo(10);
    assertThat(target.count()).isEqualTo(10);
    assertThat(second.copies.get())
        .as("only the target-only rows: the source pass is not run again")
        .isEqualTo(10);
  }

  @Test
  void backfill_isPacedToTheConfiguredRate() throws Exception {
    VersionedRows source = VersionedRows.create(PG.dataSource(), "paced_source");
    VersionedRows target = VersionedRows.create(PG.dataSource(), "paced_target");
    for (int i = 0; i < 30; i++) {
      source.put(String.format("paced-%03d", i), "v", 1);
    }
    AtomicLong now = new AtomicLong();
    VersionedRows.Copier copier = new VersionedRows.Copier(source, target);
    Backfill paced =
        Backfill.builder(control, "paced", copier, copier)
            .pageSize(10)
            .rowsPerSecond(100)
            .clock(now::get, nanos -> now.addAndGet(nanos))
            .build();
    paced.runPage();
    paced.runPage();
    // 20 rows at 100 rows/s: the 20th row may start at 190 ms.
    assertThat(now.get()).isEqualTo(Duration.ofMillis(190).toNanos());
  }

  @Test
  void controller_refusesWhileAnInstanceLags_andWithoutAFinishedBackfill_andFromTargetOnly() {
    String migration = "refusals";
    MutableClock clock = new MutableClock();
    MigrationController controller =
        new MigrationController(control, migration, Duration.ofSeconds(5), clock);
    try (PhaseWatcher a =
            PhaseWatcher.builder(control, migration)
                .instanceId("a")
                .pollInterval(Duration.ofHours(1))
                .clock(clock)
                .start();
        PhaseWatcher b =
            PhaseWatcher.builder(control, migration)
                .instanceId("b")
                .pollInterval(Duration.ofHours(1))
                .clock(clock)
                .start()) {
      assertThat(controller.rollback().changed()).isFalse();
      assertThat(controller.advance().changed()).isTrue();
      a.poll();
      MigrationController.Outcome refused = controller.advance();
      assertThat(refused.changed()).isFalse();
      assertThat(refused.message()).contains("b=SOURCE_ONLY");
      b.poll();
      assertThat(controller.advance().phase()).isEqualTo(Phase.BACKFILL);
      a.poll();
      b.poll();
      assertThat(controller.advance().message()).contains("backfill not finished");
      control.saveCheckpoint(
          migration, new BackfillCheckpoint(Optional.of("x"), Side.TARGET, 1, 0, 0, true));
      assertThat(controller.advance().phase()).isEqualTo(Phase.DUAL_WRITE_TARGET_PRIMARY);
      a.poll();
      b.poll();
      assertThat(controller.advance().phase()).isEqualTo(Phase.TARGET_ONLY);
      a.poll();
      b.poll();
      assertThat(controller.rollback().message()).contains("no rollback from TARGET_ONLY");
      assertThat(controller.advance().changed()).isFalse();

      // An instance silent for longer than the liveness window no longer holds a change back.
      clock.advance(Duration.ofSeconds(10));
      a.poll();
      assertThat(controller.status().live())
          .extracting(InstanceReport::instanceId)
          .containsExactly("a");
    }
  }

  @Test
  void watcher_reportsANewPhaseOnlyAfterCallsUnderTheOldOneFinish() {
    String migration = "drain";
    try (PhaseWatcher w =
        PhaseWatcher.builder(control, migration)
            .instanceId("w")
            .pollInterval(Duration.ofHours(1))
            .start()) {
      PhaseWatcher.Ticket inFlight = w.enter();
      ControlRecord record = control.read(migration);
      assertThat(
              control.compareAndSet(
                  migration, record.epoch(), Phase.DUAL_WRITE_SOURCE_PRIMARY, Instant.now()))
          .isTrue();
      w.poll();
      assertThat(w.current()).isEqualTo(Phase.DUAL_WRITE_SOURCE_PRIMARY);
      assertThat(w.reportedPhase()).isEqualTo(Phase.SOURCE_ONLY);
      assertThat(control.reports(migration))
          .singleElement()
          .satisfies(r -> assertThat(r.phase()).isEqualTo(Phase.SOURCE_ONLY));
      try (PhaseWatcher.Ticket fresh = w.enter()) {
        assertThat(fresh.phase()).isEqualTo(Phase.DUAL_WRITE_SOURCE_PRIMARY);
        assertThat(inFlight.phase()).isEqualTo(Phase.SOURCE_ONLY);
      }
      inFlight.close();
      w.poll();
      assertThat(control.reports(migration))
          .singleElement()
          .satisfies(r -> assertThat(r.phase()).isEqualTo(Phase.DUAL_WRITE_SOURCE_PRIMARY));
    }
    assertThat(control.reports(migration)).isEmpty();
  }

  @Test
  void phases_labelsAndSteps() {
    assertThat(Phase.SOURCE_ONLY.label("postgres", "cassandra")).isEqualTo("POSTGRES_ONLY");
    assertThat(Phase.DUAL_WRITE_SOURCE_PRIMARY.label("postgres", "cassandra"))
        .isEqualTo("DUAL_WRITE_POSTGRES_PRIMARY");
    assertThat(Phase.DUAL_WRITE_TARGET_PRIMARY.label("postgres", "cassandra"))
        .isEqualTo("DUAL_WRITE_CASSANDRA_PRIMARY");
    assertThat(Phase.TARGET_ONLY.label("postgres", "cassandra")).isEqualTo("CASSANDRA_ONLY");
    for (Phase p : Phase.values()) {
      // Adjacent phases share the writes of at least one store, and every rollback keeps both
      // written.
      p.next()
          .ifPresent(
              n -> assertThat(p.secondary().isPresent() || n.secondary().isPresent()).isTrue());
      p.rollback().ifPresent(r -> assertThat(p.secondary()).isPresent());
    }
    assertThat(Phase.TARGET_ONLY.rollback()).isEmpty();
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
