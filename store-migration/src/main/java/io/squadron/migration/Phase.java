package io.squadron.migration;

import java.util.Optional;

/**
 * The phases of a migration, in order. Each names the store that serves reads and decides (the
 * primary) and the one, if any, that is written as well and read dark (the secondary). Two adjacent
 * phases always share at least the primary's writes, which is why two instances one step apart may
 * run side by side.
 */
public enum Phase {
  /** Only the source is read and written. */
  SOURCE_ONLY(Side.SOURCE, null),
  /** Writes go to both; the source serves reads; the target is read dark and compared. */
  DUAL_WRITE_SOURCE_PRIMARY(Side.SOURCE, Side.TARGET),
  /** As {@link #DUAL_WRITE_SOURCE_PRIMARY}, while existing rows are copied to the target. */
  BACKFILL(Side.SOURCE, Side.TARGET),
  /** Writes go to both; the target serves reads; the source is read dark and compared. */
  DUAL_WRITE_TARGET_PRIMARY(Side.TARGET, Side.SOURCE),
  /** Only the target is read and written. */
  TARGET_ONLY(Side.TARGET, null);

  private final Side primary;
  private final Side secondary;

  Phase(Side primary, Side secondary) {
    this.primary = primary;
    this.secondary = secondary;
  }

  /** The store that serves reads and decides conflicts. */
  public Side primary() {
    return primary;
  }

  /** The store also written (first the primary, then this one) and read dark, if any. */
  public Optional<Side> secondary() {
    return Optional.ofNullable(secondary);
  }

  /** The next phase forward, if any. */
  public Optional<Phase> next() {
    return ordinal() + 1 < values().length
        ? Optional.of(values()[ordinal() + 1])
        : Optional.empty();
  }

  /**
   * The phase a rollback goes to, if one is allowed: only while both stores are still written, so
   * nothing is lost. {@code TARGET_ONLY} has no rollback (the source missed its writes), nor has
   * {@code SOURCE_ONLY}.
   */
  public Optional<Phase> rollback() {
    return switch (this) {
      case DUAL_WRITE_SOURCE_PRIMARY -> Optional.of(SOURCE_ONLY);
      case BACKFILL -> Optional.of(DUAL_WRITE_SOURCE_PRIMARY);
      case DUAL_WRITE_TARGET_PRIMARY -> Optional.of(BACKFILL);
      default -> Optional.empty();
    };
  }

  /**
   * The phase's name with the stores' names, e.g. {@code DUAL_WRITE_POSTGRES_PRIMARY} for source
   * "postgres".
   */
  public String label(String sourceName, String targetName) {
    String source = sourceName.toUpperCase(java.util.Locale.ROOT);
    String target = targetName.toUpperCase(java.util.Locale.ROOT);
    return switch (this) {
      case SOURCE_ONLY -> source + "_ONLY";
      case DUAL_WRITE_SOURCE_PRIMARY -> "DUAL_WRITE_" + source + "_PRIMARY";
      case BACKFILL -> "BACKFILL";
      case DUAL_WRITE_TARGET_PRIMARY -> "DUAL_WRITE_" + target + "_PRIMARY";
      case TARGET_ONLY -> target + "_ONLY";
    };
  }
}
