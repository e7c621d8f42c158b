package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How far the backfill got: it resumes after {@code cursor}.
 *
 * @param cursor the last key copied and verified, in the source's scan order; empty before the first page
 * @param copied rows copied and verified so far
 * @param mismatches rows still different after a copy and one retry
 * @param done whether the scan reached the end
 */
public record BackfillCheckpoint(Optional<String> cursor, long copied, long mismatches, boolean done) {
  /** Nothing copied yet. */
  public static final BackfillCheckpoint START = new BackfillCheckpoint(Optional.empty(), 0, 0, false);

  public BackfillCheckpoint {
    requireNonNull(cursor, "cursor");
  }
}
