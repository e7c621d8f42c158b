package io.squadron.padlock.server.store;

import io.squadron.store.StoreUnavailableException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * A shared cache of users' wrapped roots and states in front of the {@link RootStore} (memcached).
 * Only wrapped roots, block lists and markers go in, never a plaintext root; every entry is
 * authenticated and has an expiry.
 *
 * <p>The protocol that keeps a stale read from coming back: a change (shred, block, unblock) writes
 * the store first, then overwrites the user's entry with a marker ({@link #markShredded}, {@link
 * #markChanged}); a reader {@link #getAll reads the cache} before it reads the store, and {@link
 * #fill fills} only if nobody wrote the entry in between: an {@code add} where it saw no entry, a
 * compare-and-set against what it saw otherwise. A fill that read the store before a change
 * therefore never overwrites the change's marker. A cache that is down reads as empty and its fills
 * are dropped; the markers report their failure, so a change is not acknowledged while a stale
 * entry may remain.
 */
public interface RootCache extends AutoCloseable {
  /**
   * Users found, as they were when read: a valid entry ({@link Read#hit()}: an active user, or a
   * shredded one), or a miss, with what {@link #fill} needs to replace the entry seen (if any).
   * Every requested user has a read. An active user's entry written at or before {@code
   * lastChangeMillis} of its user (epoch milliseconds, or {@code Long.MIN_VALUE} for none known) is
   * a miss: it predates a change (a late fill, or a replay).
   */
  Map<String, Read> getAll(Collection<String> userIds, ToLongFunction<String> lastChangeMillis);

  /**
   * Caches {@code user} (active or shredded, as just read from the store) unless the entry changed
   * since {@code before} was read (best effort, never throws).
   */
  void fill(StoredUser user, Read before);

  /**
   * Replaces the user's entry by the shredded marker, which no fill replaces.
   *
   * @throws StoreUnavailableException when the cache could not be reached
   */
  void markShredded(String userId);

  /**
   * Replaces the user's entry by a changed marker: a miss for readers, which fills replace only by
   * compare-and-set.
   *
   * @throws StoreUnavailableException when the cache could not be reached
   */
  void markChanged(String userId);

  @Override
  void close();

  /**
   * One user's cache read.
   *
   * @param hit the user when the entry was valid (active or shredded), else null
   * @param cas the compare-and-set token of an entry that was present but not used, or 0 when there
   *     was none
   * @param rejected why a present entry was not used ({@code FORMAT}, {@code FORGED}, {@code
   *     EXPIRED}, {@code UNKNOWN_KEY}, {@code STALE}), or null
   */
  record Read(StoredUser hit, long cas, String rejected) {
    /** No entry (or the cache could not be read). */
    public static final Read MISS = new Read(null, 0, null);

    /** Whether the entry was valid. */
    public boolean isHit() {
      return hit != null;
    }
  }

  /** A cache that holds nothing (memcached disabled). */
  static RootCache none() {
    return new RootCache() {
      @Override
      public Map<String, Read> getAll(
          Collection<String> userIds, ToLongFunction<String> lastChangeMillis) {
        Map<String, Read> out = new HashMap<>();
        userIds.forEach(u -> out.put(u, Read.MISS));
        return out;
      }

      @Override
      public void fill(StoredUser user, Read before) {}

      @Override
      public void markShredded(String userId) {}

      @Override
      public void markChanged(String userId) {}

      @Override
      public void close() {}
    };
  }
}
