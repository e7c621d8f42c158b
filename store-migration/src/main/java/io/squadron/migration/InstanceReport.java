package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * What one instance last said it runs.
 *
 * @param instanceId the instance
 * @param phase the phase it runs (every call begun under an older phase has finished)
 * @param epoch the control record's epoch that phase came from
 * @param reportedAt when it said so; an instance silent for longer than the liveness window counts
 *     as gone
 */
public record InstanceReport(String instanceId, Phase phase, long epoch, Instant reportedAt) {
  public InstanceReport {
    requireNonNull(instanceId, "instanceId");
    requireNonNull(phase, "phase");
    requireNonNull(reportedAt, "reportedAt");
  }
}
