package io.squadron.padlock.server.keys;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one {@link KeyItem}: a key, or why there is none.
 *
 * @param key the derived key; null on failure
 * @param failure null on success
 */
public record KeyOutcome(DerivedKey key, Failure failure) {
  /** Why an item has no key. */
  public enum Failure {
    /** The category is not configured. */
    UNKNOWN_CATEGORY,
    /** The version is negative or above the category's current version. */
    UNKNOWN_VERSION,
    /** The user never had keys. */
    USER_NOT_FOUND,
    /** The user's keys were deleted (crypto-shredded). */
    KEYS_DELETED,
    /** The user blocked this category. */
    CATEGORY_BLOCKED,
    /** The user is in no cache and the store could not be reached. */
    STORE_UNAVAILABLE,
    /**
     * The stored root cannot be unwrapped (a master key version missing from config, or a corrupt
     * row).
     */
    ROOT_UNREADABLE
  }

  /** A key. */
  static KeyOutcome ok(DerivedKey key) {
    return requireNonNull(key, "key").outcome();
  }

  /** A failure. */
  static KeyOutcome failed(Failure failure) {
    return new KeyOutcome(null, requireNonNull(failure, "failure"));
  }

  /** Whether there is a key. */
  public boolean isOk() {
    return failure == null;
  }
}
