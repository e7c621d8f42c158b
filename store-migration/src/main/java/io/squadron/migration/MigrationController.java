package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Moves a migration one phase forward or back, refusing while any live instance does not yet run
 * the current phase (so at most two adjacent phases ever run side by side), while the backfill has
 * not finished (forward from {@link Phase#BACKFILL}), or where no step exists (back from {@link
 * Phase#TARGET_ONLY}: the source missed writes).
 */
public final class MigrationController {
  private final ControlStore control;
  private final String migration;
  private final Duration liveness;
  private final Clock clock;

  /**
   * A controller of {@code migration}; instances silent for longer than {@code liveness} count as
   * gone.
   */
  public MigrationController(
      ControlStore control, String migration, Duration liveness, Clock clock) {
    this.control = requireNonNull(control, "control");
    this.migration = requireNonNull(migration, "migration");
    this.liveness = requireNonNull(liveness, "liveness");
    this.clock = requireNonNull(clock, "clock");
  }

  /** The outcome of a request to change the phase. */
  public record Outcome(boolean changed, Phase phase, String message) {}

  /** The state of the migration. */
  public record Status(
      ControlRecord record,
      List<InstanceReport> live,
      List<InstanceReport> lagging,
      BackfillCheckpoint backfill) {
    /** Whether every live instance runs the record's phase and epoch. */
    public boolean settled() {
      return lagging.isEmpty();
    }
  }

  /** The current record, the live instances, which of them lag, and the backfill. */
  public Status status() {
    ControlRecord record = control.read(migration);
    Instant now = clock.instant();
    List<InstanceReport> live = control.liveReports(migration, now, liveness);
    List<InstanceReport> lagging =
        live.stream()
            .filter(r -> r.epoch() != record.epoch() || r.phase() != record.phase())
            .toList();
    return new Status(record, live, lagging, control.checkpoint(migration));
  }

  /** One step forward. */
  public Outcome advance() {
    Status status = status();
    Phase phase = status.record().phase();
    Optional<Phase> next = phase.next();
    if (next.isEmpty()) {
      return new Outcome(false, phase, "already at the last phase " + phase);
    }
    if (!status.settled()) {
      return new Outcome(false, phase, lagMessage(status));
    }
    if (phase == Phase.BACKFILL && !status.backfill().done()) {
      return new Outcome(
          false,
          phase,
          "backfill not finished: "
              + status.backfill().copied()
              + " rows copied, "
              + (status.backfill().pass() == Side.SOURCE
                  ? "still copying the source's rows"
                  : "reconciling the target's rows"));
    }
    if (phase == Phase.BACKFILL && status.backfill().mismatches() > 0) {
      return new Outcome(
          false,
          phase,
          "backfill left "
              + status.backfill().mismatches()
              + " mismatched rows; see the log for their ids");
    }
    return change(status.record(), next.get());
  }

  /** One step back, while both stores are still written. */
  public Outcome rollback() {
    Status status = status();
    Phase phase = status.record().phase();
    Optional<Phase> previous = phase.rollback();
    if (previous.isEmpty()) {
      return new Outcome(
          false,
          phase,
          phase == Phase.TARGET_ONLY
              ? "no rollback from " + phase + ": the source store no longer receives writes"
              : "nothing to roll back from " + phase);
    }
    if (!status.settled()) {
      return new Outcome(false, phase, lagMessage(status));
    }
    if (previous.get() == Phase.SOURCE_ONLY) {
      control.saveCheckpoint(
          migration, BackfillCheckpoint.START); // the target will miss writes: copy again later
    }
    return change(status.record(), previous.get());
  }

  private Outcome change(ControlRecord record, Phase to) {
    if (!control.compareAndSet(migration, record.epoch(), to, clock.instant())) {
      return new Outcome(
          false, record.phase(), "the phase changed concurrently; check status and retry");
    }
    return new Outcome(true, to, "phase " + record.phase() + " -> " + to);
  }

  private static String lagMessage(Status status) {
    StringBuilder s =
        new StringBuilder("not every live instance runs ")
            .append(status.record().phase())
            .append(" yet:");
    for (InstanceReport r : status.lagging()) {
      s.append(' ').append(r.instanceId()).append('=').append(r.phase());
    }
    return s.toString();
  }
}
