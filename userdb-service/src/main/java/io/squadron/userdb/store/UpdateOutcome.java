package io.squadron.userdb.store;

/** What a compare-and-set update did. */
public enum UpdateOutcome {
  /** The row had the expected version and now holds the new one. */
  APPLIED,
  /** There is no such user. */
  NOT_FOUND,
  /** The row has another version (a concurrent change won); nothing was written. */
  CONFLICT
}
