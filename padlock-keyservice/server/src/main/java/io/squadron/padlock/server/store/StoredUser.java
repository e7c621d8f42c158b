package io.squadron.padlock.server.store;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * A user's row as stored: either active, with a root wrapped under master key {@code
 * masterVersion}, or shredded (the marker that remains after DeleteUserKeys; it holds no key
 * material and stops the keys from being re-created).
 *
 * @param userId the user
 * @param shredded whether the keys were deleted
 * @param masterVersion the master key version of {@code wrappedRoot}; 0 when shredded
 * @param wrappedRoot the wrapped root; empty when shredded
 * @param blocked the categories the user opted out of
 */
public record StoredUser(
    String userId, boolean shredded, int masterVersion, byte[] wrappedRoot, Set<String> blocked) {
  public StoredUser {
    requireNonNull(userId, "userId");
    requireNonNull(wrappedRoot, "wrappedRoot");
    blocked = Set.copyOf(requireNonNull(blocked, "blocked"));
    if (!shredded && masterVersion < 1) {
      throw new IllegalArgumentException(
          "masterVersion: " + masterVersion + " (expected: >= 1 for an active user)");
    }
  }

  /** An active user. */
  public static StoredUser active(
      String userId, int masterVersion, byte[] wrappedRoot, Set<String> blocked) {
    return new StoredUser(userId, false, masterVersion, wrappedRoot, blocked);
  }

  /** The marker of a shredded user. */
  public static StoredUser shredded(String userId) {
    return new StoredUser(userId, true, 0, new byte[0], Set.of());
  }

  @Override
  public String toString() {
    return "StoredUser{shredded="
        + shredded
        + ", masterVersion="
        + masterVersion
        + ", blocked="
        + blocked
        + "}";
  }
}
