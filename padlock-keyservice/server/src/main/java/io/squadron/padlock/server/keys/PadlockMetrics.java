package io.squadron.padlock.server.keys;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;

/**
 * Padlock's own meters (labels are fixed small sets: never a user id, category value or key):
 *
 * <ul>
 *   <li>{@code padlock.keys.lookups{outcome}}: derived keys asked for, by outcome;
 *   <li>{@code padlock.cache.requests{layer, result}}: users looked up per layer (memory,
 *       memcached, cassandra), hit or miss; a hit rate per layer is hits / (hits + misses);
 *   <li>{@code padlock.store.latency{store}}: time of a batch read per store;
 *   <li>{@code padlock.keys.batch.size}: items per GetDerivedKeys call;
 *   <li>{@code padlock.shreds}: users whose keys were deleted; {@code padlock.rewraps}: roots
 *       rewrapped;
 *   <li>{@code padlock.memcached.rejected{reason}}: memcached values not used (format, forged,
 *       expired, unknown_key) and read again from Cassandra: a rising {@code forged} means someone
 *       writes to memcached;
 *   <li>{@code padlock.lookups.abandoned}: users not read because the call's deadline had passed;
 *   <li>{@code padlock.memcached.second_markers{result}}: second marker writes after a change (ok,
 *       failed);
 *   <li>{@code padlock.changes.applied}: changes made on other instances read from the change log;
 *       {@code padlock.changes.poll_failures}: reads of the log that failed; {@code
 *       padlock.changes.forgotten}: changes dropped from memory past its bound.
 * </ul>
 */
public final class PadlockMetrics {
  private final Counter ok;
  private final Map<KeyOutcome.Failure, Counter> failures = new EnumMap<>(KeyOutcome.Failure.class);
  private final Counter memoryHit;
  private final Counter memoryMiss;
  private final Counter memcachedHit;
  private final Counter memcachedMiss;
  private final Counter cassandraHit;
  private final Counter cassandraMiss;
  private final Timer memcachedLatency;
  private final Timer cassandraLatency;
  private final DistributionSummary batchSize;
  private final Counter shreds;
  private final Counter rewraps;
  private final MeterRegistry registry;
  private final Counter abandoned;
  private final Counter secondMarkerOk;
  private final Counter secondMarkerFailed;
  private final Counter changesApplied;
  private final Counter changePollFailures;
  private final Counter changesForgotten;

  /** Registers the meters in {@code registry}. */
  public PadlockMetrics(MeterRegistry registry) {
    requireNonNull(registry, "registry");
    this.registry = registry;
    ok = lookups(registry, "ok");
    for (KeyOutcome.Failure failure : KeyOutcome.Failure.values()) {
      failures.put(failure, lookups(registry, failure.name().toLowerCase(java.util.Locale.ROOT)));
    }
    memoryHit = cache(registry, "memory", "hit");
    memoryMiss = cache(registry, "memory", "miss");
    memcachedHit = cache(registry, "memcached", "hit");
    memcachedMiss = cache(registry, "memcached", "miss");
    cassandraHit = cache(registry, "cassandra", "hit");
    cassandraMiss = cache(registry, "cassandra", "miss");
    memcachedLatency =
        Timer.builder("padlock.store.latency")
            .tag("store", "memcached")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    cassandraLatency =
        Timer.builder("padlock.store.latency")
            .tag("store", "cassandra")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    batchSize = DistributionSummary.builder("padlock.keys.batch.size").register(registry);
    shreds =
        Counter.builder("padlock.shreds")
            .description("users whose keys were deleted")
            .register(registry);
    rewraps =
        Counter.builder("padlock.rewraps")
            .description("roots rewrapped under a newer master key")
            .register(registry);
    abandoned =
        Counter.builder("padlock.lookups.abandoned")
            .description("users not read from the store because the call's deadline had passed")
            .register(registry);
    secondMarkerOk =
        Counter.builder("padlock.memcached.second_markers").tag("result", "ok").register(registry);
    secondMarkerFailed =
        Counter.builder("padlock.memcached.second_markers")
            .tag("result", "failed")
            .register(registry);
    changesApplied = Counter.builder("padlock.changes.applied").register(registry);
    changePollFailures = Counter.builder("padlock.changes.poll_failures").register(registry);
    changesForgotten = Counter.builder("padlock.changes.forgotten").register(registry);
    for (String reason : new String[] {"format", "forged", "expired", "unknown_key", "stale"}) {
      rejected(reason);
    }
  }

  private Counter rejected(String reason) {
    return Counter.builder("padlock.memcached.rejected")
        .tag("reason", reason)
        .description("memcached values not used and read again from the store")
        .register(registry);
  }

  void memcachedRejected(String reason) {
    rejected(reason.toLowerCase(java.util.Locale.ROOT)).increment();
  }

  void abandoned(int count) {
    add(abandoned, count);
  }

  void changesApplied(int count) {
    add(changesApplied, count);
  }

  void changePollFailed() {
    changePollFailures.increment();
  }

  void changesForgotten(int count) {
    add(changesForgotten, count);
  }

  void secondMarker(boolean written) {
    (written ? secondMarkerOk : secondMarkerFailed).increment();
  }

  private static Counter lookups(MeterRegistry registry, String outcome) {
    return Counter.builder("padlock.keys.lookups").tag("outcome", outcome).register(registry);
  }

  private static Counter cache(MeterRegistry registry, String layer, String result) {
    return Counter.builder("padlock.cache.requests")
        .tag("layer", layer)
        .tag("result", result)
        .register(registry);
  }

  void batch(int items, int okCount, int[] failureCounts) {
    batchSize.record(items);
    if (okCount > 0) {
      ok.increment(okCount);
    }
    for (KeyOutcome.Failure failure : KeyOutcome.Failure.values()) {
      if (failureCounts[failure.ordinal()] > 0) {
        failures.get(failure).increment(failureCounts[failure.ordinal()]);
      }
    }
  }

  void memory(int hits, int misses) {
    add(memoryHit, hits);
    add(memoryMiss, misses);
  }

  void memcached(int hits, int misses, long nanos) {
    add(memcachedHit, hits);
    add(memcachedMiss, misses);
    memcachedLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void cassandra(int hits, int misses, long nanos) {
    add(cassandraHit, hits);
    add(cassandraMiss, misses);
    cassandraLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  void shred() {
    shreds.increment();
  }

  void rewrapped(int count) {
    add(rewraps, count);
  }

  private static void add(Counter counter, int n) {
    if (n > 0) {
      counter.increment(n);
    }
  }
}
