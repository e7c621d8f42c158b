package io.squadron.padlock.server.keys;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The bounded in-memory cache of users: a {@link ConcurrentHashMap} with a write time per entry. Reads are one map
 * lookup and one comparison (the profile showed Guava's cache spending a third of the lookup path on its
 * access-order bookkeeping). Entries expire between 80% and 100% of {@code ttl} after they were written (the jitter
 * keeps users loaded together from all expiring in the same instant, which made latency spikes in the benchmark), so
 * {@code ttl} stays the upper bound on staleness; when the map grows past
 * {@code maxUsers}, expired entries go first, then arbitrary ones (hash order) until it is 10% below the bound.
 */
final class UserCache {
  private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
  private final long maxUsers;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private final Object evictionLock = new Object();

  private record Entry(UserState state, long expiresAt) {}

  UserCache(long maxUsers, long ttlNanos, LongSupplier nanoTime) {
    this.maxUsers = maxUsers;
    this.ttlNanos = ttlNanos;
    this.nanoTime = nanoTime;
  }

  /** The clock reading to pass to {@link #get} (one per batch). */
  long now() {
    return nanoTime.getAsLong();
  }

  /** The user's state if cached and not expired at {@code now}. */
  UserState get(String userId, long now) {
    Entry e = map.get(userId);
    if (e == null) {
      return null;
    }
    if (now - e.expiresAt >= 0) {
      map.remove(userId, e);
      return null;
    }
    return e.state;
  }

  void put(String userId, UserState state) {
    if (maxUsers == 0) {
      return;
    }
    long jitter = ttlNanos < 5 ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(ttlNanos / 5);
    map.put(userId, new Entry(state, nanoTime.getAsLong() + ttlNanos - jitter));
    if (map.size() > maxUsers) {
      evict();
    }
  }

  void invalidate(String userId) {
    map.remove(userId);
  }

  int size() {
    return map.size();
  }

  private void evict() {
    synchronized (evictionLock) {
      if (map.size() <= maxUsers) {
        return;
      }
      long now = nanoTime.getAsLong();
      map.values().removeIf(e -> now - e.expiresAt >= 0);
      long target = maxUsers - maxUsers / 10;
      Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
      while (map.size() > target && it.hasNext()) {
        it.next();
        it.remove();
      }
    }
  }
}
