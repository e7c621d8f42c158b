package io.squadron.migration;

/** One of the two stores of a migration. */
public enum Side {
  /** The store migrated from. */
  SOURCE,
  /** The store migrated to. */
  TARGET
}
