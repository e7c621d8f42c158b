package io.squadron.padlock.server.keys;

import io.squadron.padlock.server.crypto.KeyDerivation;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the in-memory cache holds per user: the HKDF pseudorandom key (never the root itself, which is wiped once the
 * PRK is computed), the blocked categories, and the keys derived so far; or the marker of a shredded user.
 */
final class UserState {
  /** Derived keys kept per user at most (categories x versions x calling services). */
  static final int MAX_DERIVED_PER_USER = 256;

  static final UserState SHREDDED = new UserState(null, Set.of());

  private final byte[] prk;
  private final Set<String> blocked;
  private final ConcurrentHashMap<DerivedId, byte[]> derived;

  UserState(byte[] prk, Set<String> blocked) {
    this.prk = prk;
    this.blocked = Set.copyOf(blocked);
    this.derived = prk == null ? null : new ConcurrentHashMap<>(8);
  }

  boolean isShredded() {
    return prk == null;
  }

  boolean isBlocked(String category) {
    return !blocked.isEmpty() && blocked.contains(category);
  }

  /** The key of (category, service, version), derived once and then served from memory. */
  byte[] derive(String category, String service, int version) {
    DerivedId id = new DerivedId(category, service, version);
    byte[] key = derived.get(id);
    if (key == null) {
      key = KeyDerivation.derive(prk, category, service, version);
      if (derived.size() < MAX_DERIVED_PER_USER) {
        byte[] raced = derived.putIfAbsent(id, key);
        if (raced != null) {
          key = raced;
        }
      }
    }
    return key;
  }

  private record DerivedId(String category, String service, int version) {}
}
