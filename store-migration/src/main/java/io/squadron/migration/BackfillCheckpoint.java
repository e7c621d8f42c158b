package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How far the backfill got: it resumes after {@code cursor} in the store {@code pass} names. It
 * first visits every key of the source (copying each row to the target), then every key of the
 * target (removing or fixing rows the source no longer has, e.g. left behind by a failed secondary
 * write), and is done after both.
 *
 * @param cursor the last key handled in the current pass, in that store's scan order; empty at the
 *     pass's start
 * @param pass the store whose keys are being visited: {@link Side#SOURCE} first, then {@link
 *     Side#TARGET}
 * @param copied source rows copied and verified so far
 * @param reconciled target rows that differed from the source (a row the source no longer has, or
 *     an older one) and were fixed in the target pass
 * @param mismatches rows still different after a copy and one retry
 * @param done whether both passes reached their end
 */
public record BackfillCheckpoint(
    Optional<String> cursor,
    Side pass,
    long copied,
    long reconciled,
    long mismatches,
    boolean done) {
  /** Nothing copied yet. */
  public static final BackfillCheckpoint START =
      new BackfillCheckpoint(Optional.empty(), Side.SOURCE, 0, 0, 0, false);

  public BackfillCheckpoint {
    requireNonNull(cursor, "cursor");
    requireNonNull(pass, "pass");
  }
}
