package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The phase every instance of a migration should run.
 *
 * @param phase the phase
 * @param epoch incremented by every change; instances report the epoch they run
 * @param changedAt when it was set
 */
public record ControlRecord(Phase phase, long epoch, Instant changedAt) {
  public ControlRecord {
    requireNonNull(phase, "phase");
    requireNonNull(changedAt, "changedAt");
  }
}
