package io.squadron.padlock.server.keys;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * The bounded in-memory cache of users: a {@link ConcurrentHashMap} with an expiry per entry. Reads
 * are one map lookup and one comparison (the profile showed Guava's cache spending a third of the
 * lookup path on its access-order bookkeeping). Entries expire between 80% and 100% of {@code ttl}
 * after they were written (the jitter keeps users loaded together from all expiring in the same
 * instant, which made latency spikes in the benchmark), so {@code ttl} stays the upper bound on
 * staleness; when the map grows past {@code maxUsers}, expired entries go first, then arbitrary
 * ones (hash order) until it is 10% below the bound.
 *
 * <p><b>Generations.</b> A lookup that read a user's state from memcached or Cassandra must not
 * store it after a change of that user (shred, block, unblock, create) made on this instance: it
 * may have read the state before the change. So every change bumps a generation ({@link
 * #invalidate}, one counter per stripe of users), a loader takes {@link #generation} before it
 * reads the stores, and {@link #putIfUnchanged} stores only if the generation did not move; both
 * run under the stripe's lock, so a change and a load's store are ordered. A load that loses keeps
 * its answer for its own call only (it raced the change) and caches nothing.
 */
final class UserCache {
  private static final int STRIPES = 1024;

  private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
  private final long maxUsers;
  private final long ttlNanos;
  private final long absentTtlNanos;
  private final LongSupplier nanoTime;
  private final Object evictionLock = new Object();
  private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
  private final Object[] stripeLocks = new Object[STRIPES];

  private record Entry(UserState state, long expiresAt) {}

  UserCache(long maxUsers, long ttlNanos, LongSupplier nanoTime) {
    this(maxUsers, ttlNanos, 0, nanoTime);
  }

  /**
   * @param absentTtlNanos how long "no such user" is remembered (0: never), much shorter than
   *     {@code ttlNanos} since another instance may create the user meanwhile
   */
  UserCache(long maxUsers, long ttlNanos, long absentTtlNanos, LongSupplier nanoTime) {
    this.maxUsers = maxUsers;
    this.ttlNanos = ttlNanos;
    this.absentTtlNanos = absentTtlNanos;
    this.nanoTime = nanoTime;
    for (int i = 0; i < STRIPES; i++) {
      stripeLocks[i] = new Object();
    }
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

  /** The generation of the user's stripe, to take before reading the user from a store. */
  long generation(String userId) {
    return generations.get(stripe(userId));
  }

  /**
   * Stores a state read from a store, unless the user changed on this instance since {@code
   * generation} was taken.
   *
   * @return whether it was stored (false also when caching is off)
   */
  boolean putIfUnchanged(String userId, UserState state, long generation) {
    if (maxUsers == 0 || (state == UserState.ABSENT && absentTtlNanos == 0)) {
      return false;
    }
    int stripe = stripe(userId);
    synchronized (stripeLocks[stripe]) {
      if (generations.get(stripe) != generation) {
        return false;
      }
      store(userId, state);
    }
    if (map.size() > maxUsers) {
      evict();
    }
    return true;
  }

  /**
   * Records a change of the user made on this instance: bumps the generation (so loads that began
   * before it store nothing) and replaces the entry by {@code after} (null: forgets the user).
   */
  void invalidate(String userId, UserState after) {
    int stripe = stripe(userId);
    synchronized (stripeLocks[stripe]) {
      generations.incrementAndGet(stripe);
      if (after == null || maxUsers == 0) {
        map.remove(userId);
      } else {
        store(userId, after);
      }
    }
  }

  private void store(String userId, UserState state) {
    long ttl = state == UserState.ABSENT ? absentTtlNanos : ttlNanos;
    long jitter = ttl < 5 ? 0 : ThreadLocalRandom.current().nextLong(ttl / 5);
    map.put(userId, new Entry(state, nanoTime.getAsLong() + ttl - jitter));
  }

  int size() {
    return map.size();
  }

  private static int stripe(String userId) {
    int h = userId.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
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
