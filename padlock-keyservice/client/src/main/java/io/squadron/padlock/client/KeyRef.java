package io.squadron.padlock.client;

import static java.util.Objects.requireNonNull;

/**
 * A key to look up: a user's key of a category at a version, 0 meaning the current version.
 *
 * @param userId the user
 * @param category the data category
 * @param version the key version, or 0 for the current one
 */
public record KeyRef(String userId, String category, int version) {
  public KeyRef {
    requireNonNull(userId, "userId");
    requireNonNull(category, "category");
    if (version < 0) {
      throw new IllegalArgumentException(
          "version: " + version + " (expected: 0 for current, or >= 1)");
    }
  }

  /** The current key of a category. */
  public static KeyRef current(String userId, String category) {
    return new KeyRef(userId, category, 0);
  }

  @Override
  public String toString() {
    return "KeyRef{" + category + " v" + version + "}";
  }
}
