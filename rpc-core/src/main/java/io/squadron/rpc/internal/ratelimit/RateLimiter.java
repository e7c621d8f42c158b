package io.squadron.rpc.internal.ratelimit;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets per (caller, method), created on first use with the limit {@link RateLimitSettings}
 * gives the pair. The hot path is two map lookups and one compare-and-set. Buckets idle for {@code
 * idle-expiry} are dropped during an occasional sweep on the calling thread, so memory is bounded
 * by the pairs active recently. Time comes from the injected {@code nanoTime}. {@link #update}
 * swaps the limits at runtime (an overrides file reloaded): buckets in use take their new limit and
 * keep what they had used of the old one.
 */
public final class RateLimiter {
  private final LongSupplier nanoTime;
  private volatile RateLimitSettings settings;
  private volatile long idleNanos;
  private volatile Map<String, Map<String, RateLimit>> overridesByCaller;
  private final ConcurrentMap<String, ConcurrentMap<String, TokenBucket>> byMethod =
      new ConcurrentHashMap<>();
  private final AtomicLong nextSweep;

  /**
   * Limits as {@code settings} say, timed by {@code nanoTime} (normally {@code System::nanoTime}).
   */
  public RateLimiter(RateLimitSettings settings, LongSupplier nanoTime) {
    this.settings = requireNonNull(settings, "settings");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    this.idleNanos = settings.idleExpiry().toNanos();
    this.overridesByCaller = index(settings);
    this.nextSweep = new AtomicLong(nanoTime.getAsLong() + idleNanos);
  }

  private static Map<String, Map<String, RateLimit>> index(RateLimitSettings settings) {
    Map<String, Map<String, RateLimit>> overrides = new HashMap<>();
    for (RateLimitOverride o : settings.overrides()) {
      overrides.computeIfAbsent(o.caller(), c -> new HashMap<>()).put(o.target(), o.limit());
    }
    return Map.copyOf(overrides);
  }

  /**
   * Applies {@code newSettings} from now on: calls see the new default and overrides, and every
   * bucket in use takes its new limit, keeping what it had used of the old one.
   */
  public synchronized void update(RateLimitSettings newSettings) {
    requireNonNull(newSettings, "newSettings");
    overridesByCaller = index(newSettings);
    idleNanos = newSettings.idleExpiry().toNanos();
    settings = newSettings;
    for (Map.Entry<String, ConcurrentMap<String, TokenBucket>> method : byMethod.entrySet()) {
      String fullMethodName = method.getKey();
      int slash = fullMethodName.indexOf('/');
      String serviceName = slash < 0 ? null : fullMethodName.substring(0, slash);
      method
          .getValue()
          .replaceAll(
              (caller, bucket) -> {
                RateLimit limit = limitFor(caller, fullMethodName, serviceName);
                return limit.equals(bucket.limit()) ? bucket : bucket.withLimit(limit);
              });
    }
  }

  /**
   * Takes a token for {@code caller} calling {@code fullMethodName} (of {@code serviceName}).
   *
   * @return 0 when the call may go ahead, else the nanoseconds until a token will be free
   */
  public long tryAcquire(String caller, String fullMethodName, String serviceName) {
    long now = nanoTime.getAsLong();
    long sweepAt = nextSweep.get();
    if (now - sweepAt >= 0 && nextSweep.compareAndSet(sweepAt, now + idleNanos / 2)) {
      sweep(now);
    }
    ConcurrentMap<String, TokenBucket> byCaller = byMethod.get(fullMethodName);
    if (byCaller == null) {
      byCaller = byMethod.computeIfAbsent(fullMethodName, m -> new ConcurrentHashMap<>());
    }
    TokenBucket bucket = byCaller.get(caller);
    if (bucket == null) {
      bucket =
          byCaller.computeIfAbsent(
              caller, c -> new TokenBucket(limitFor(c, fullMethodName, serviceName), now));
    }
    long wait = bucket.tryAcquire(now);
    if (wait > 0) {
      // A thread descheduled between reading the clock and reaching the bucket holds a stale time
      // and would look
      // early; with a small burst window that turns into a false rejection. Rejections are rare:
      // check again.
      long fresh = nanoTime.getAsLong();
      if (fresh != now) {
        wait = bucket.tryAcquire(fresh);
      }
    }
    return wait;
  }

  /** The limit of {@code caller} on a method: its most specific override, else the default. */
  public RateLimit limitFor(String caller, String fullMethodName, String serviceName) {
    Map<String, RateLimit> overrides = overridesByCaller.get(caller);
    if (overrides != null) {
      RateLimit limit = overrides.get(fullMethodName);
      if (limit == null && serviceName != null) {
        limit = overrides.get(serviceName);
      }
      if (limit == null) {
        limit = overrides.get(RateLimitOverride.ANY);
      }
      if (limit != null) {
        return limit;
      }
    }
    return settings.defaultLimit();
  }

  /** How many buckets exist now (for tests and a gauge). */
  public int bucketCount() {
    int n = 0;
    for (Map<String, TokenBucket> byCaller : byMethod.values()) {
      n += byCaller.size();
    }
    return n;
  }

  /** The settings in force. */
  public RateLimitSettings settings() {
    return settings;
  }

  private void sweep(long now) {
    // A bucket idle this long is full: dropping it loses nothing, a new one starts full.
    for (ConcurrentMap<String, TokenBucket> byCaller : byMethod.values()) {
      byCaller.values().removeIf(b -> b.idleFor(now, idleNanos));
    }
  }
}
