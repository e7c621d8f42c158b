package io.squadron.padlock.server.store;

import io.squadron.store.StoreUnavailableException;
import java.util.Collection;
import java.util.Map;

/**
 * A shared cache of active users' wrapped roots in front of the {@link RootStore} (memcached). Only wrapped roots and
 * block lists go in, never a plaintext root, and every entry has a TTL. A cache that is down behaves as empty for
 * reads; its write failures are ignored, except {@link #delete}, which reports them so a shred is not acknowledged
 * while a stale entry may remain.
 */
public interface RootCache extends AutoCloseable {
  /** The users found; failures count as misses. */
  Map<String, StoredUser> getAll(Collection<String> userIds);

  /** Caches an active user (best effort). */
  void put(StoredUser user);

  /**
   * Removes a user.
   *
   * @throws StoreUnavailableException when the cache could not be reached
   */
  void delete(String userId);

  @Override
  void close();

  /** A cache that holds nothing (memcached disabled). */
  static RootCache none() {
    return new RootCache() {
      @Override
      public Map<String, StoredUser> getAll(Collection<String> userIds) {
        return Map.of();
      }

      @Override
      public void put(StoredUser user) {}

      @Override
      public void delete(String userId) {}

      @Override
      public void close() {}
    };
  }
}
