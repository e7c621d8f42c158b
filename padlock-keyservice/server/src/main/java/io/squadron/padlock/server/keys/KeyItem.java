package io.squadron.padlock.server.keys;

import static java.util.Objects.requireNonNull;

/**
 * One derived key wanted.
 *
 * @param userId the user
 * @param category the data category
 * @param version the key version; 0 for the category's current one
 */
public record KeyItem(String userId, String category, int version) {
  public KeyItem {
    requireNonNull(userId, "userId");
    requireNonNull(category, "category");
  }
}
