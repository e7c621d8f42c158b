package io.squadron.migration;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where a migration's shared state lives: the control record, the instances' reports, the backfill
 * checkpoint and the backfill lease. Every method is one atomic operation on a store all instances
 * share.
 */
public interface ControlStore {
  /** The control record, created as {@code SOURCE_ONLY}, epoch 0, when missing. */
  ControlRecord read(String migration);

  /** Sets the phase if the epoch is still {@code expectedEpoch}; the new epoch is one more. */
  boolean compareAndSet(String migration, long expectedEpoch, Phase next, Instant now);

  /** Records (or refreshes) what {@code report.instanceId()} runs. */
  void report(String migration, InstanceReport report);

  /** Removes an instance's report (clean shutdown). */
  void forget(String migration, String instanceId);

  /** Every report, live or stale. */
  List<InstanceReport> reports(String migration);

  /** The backfill checkpoint, {@link BackfillCheckpoint#START} when none. */
  BackfillCheckpoint checkpoint(String migration);

  /** Saves the checkpoint. */
  void saveCheckpoint(String migration, BackfillCheckpoint checkpoint);

  /**
   * Takes or renews the backfill lease for {@code owner} until {@code now + ttl}; fails while
   * another owner holds an unexpired lease.
   */
  boolean tryLease(String migration, String owner, Instant now, Duration ttl);

  /** Releases the lease if {@code owner} holds it. */
  void releaseLease(String migration, String owner);

  /** Convenience: the reports fresher than {@code liveness} at {@code now}. */
  default List<InstanceReport> liveReports(String migration, Instant now, Duration liveness) {
    return reports(migration).stream()
        .filter(r -> !r.reportedAt().plus(liveness).isBefore(now))
        .toList();
  }

  /** The checkpoint if the backfill has started. */
  default Optional<BackfillCheckpoint> startedCheckpoint(String migration) {
    BackfillCheckpoint c = checkpoint(migration);
    return c.equals(BackfillCheckpoint.START) ? Optional.empty() : Optional.of(c);
  }
}
