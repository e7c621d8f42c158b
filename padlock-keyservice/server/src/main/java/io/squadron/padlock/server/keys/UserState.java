package io.squadron.padlock.server.keys;

import io.squadron.padlock.server.crypto.KeyDerivation;
import java.util.Arrays;
import java.util.Set;

/**
 * What the in-memory cache holds per user: the HKDF pseudorandom key (never the root itself, which
 * is wiped once the PRK is computed), the blocked categories, and the keys derived so far (by
 * {@link DerivedSlots} number); or the marker of a shredded user, or of a user the store does not
 * have.
 */
final class UserState {
  static final UserState SHREDDED = new UserState(null, Set.of());

  /** The store has no such user (remembered briefly: the negative cache). */
  static final UserState ABSENT = new UserState(null, Set.of());

  private final byte[] prk;
  private final Set<String> blocked;
  // Grown under the lock; elements are immutable DerivedKey objects (final fields), so a racy read
  // of an element
  // sees either null (and derives the same key again) or a complete key.
  private volatile DerivedKey[] derived = new DerivedKey[0];

  UserState(byte[] prk, Set<String> blocked) {
    this.prk = prk;
    this.blocked = Set.copyOf(blocked);
  }

  boolean isShredded() {
    return this == SHREDDED;
  }

  boolean isAbsent() {
    return this == ABSENT;
  }

  boolean isBlocked(String category) {
    return !blocked.isEmpty() && blocked.contains(category);
  }

  /**
   * The key of (category, service, version) in {@code slot}, derived once and then served from
   * memory.
   */
  DerivedKey derive(int slot, String category, String service, int version) {
    DerivedKey[] keys = derived;
    if (slot >= 0 && slot < keys.length) {
      DerivedKey key = keys[slot];
      if (key != null) {
        return key;
      }
    }
    DerivedKey key = new DerivedKey(KeyDerivation.derive(prk, category, service, version), version);
    if (slot >= 0) {
      store(slot, key);
    }
    return key;
  }

  private synchronized void store(int slot, DerivedKey key) {
    DerivedKey[] keys = derived;
    if (slot >= keys.length) {
      keys =
          Arrays.copyOf(
              keys, Math.min(DerivedSlots.MAX_SLOTS, Math.max(slot + 1, keys.length * 2 + 4)));
    }
    keys[slot] = key;
    derived = keys;
  }
}
