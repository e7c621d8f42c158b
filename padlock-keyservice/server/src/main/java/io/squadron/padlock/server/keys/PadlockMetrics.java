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
 * <ul>
 *   <li>{@code padlock.keys.lookups{outcome}}: derived keys asked for, by outcome;
 *   <li>{@code padlock.cache.requests{layer, result}}: users looked up per layer (memory, memcached, cassandra),
 *       hit or miss; a hit rate per layer is hits / (hits + misses);
 *   <li>{@code padlock.store.latency{store}}: time of a batch read per store;
 *   <li>{@code padlock.keys.batch.size}: items per GetDerivedKeys call;
 *   <li>{@code padlock.shreds}: users whose keys were deleted; {@code padlock.rewraps}: roots rewrapped.
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

  /** Registers the meters in {@code registry}. */
  public PadlockMetrics(MeterRegistry registry) {
    requireNonNull(registry, "registry");
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
    memcachedLatency = Timer.builder("padlock.store.latency").tag("store", "memcached")
        .publishPercentiles(0.5, 0.99).register(registry);
    cassandraLatency = Timer.builder("padlock.store.latency").tag("store", "cassandra")
        .publishPercentiles(0.5, 0.99).register(registry);
    batchSize = DistributionSummary.builder("padlock.keys.batch.size").register(registry);
    shreds = Counter.builder("padlock.shreds").description("users whose keys were deleted").register(registry);
    rewraps = Counter.builder("padlock.rewraps").description("roots rewrapped under a newer master key")
        .register(registry);
  }

  private static Counter lookups(MeterRegistry registry, String outcome) {
    return Counter.builder("padlock.keys.lookups").tag("outcome", outcome).register(registry);
  }

  private static Counter cache(MeterRegistry registry, String layer, String result) {
    return Counter.builder("padlock.cache.requests").tag("layer", layer).tag("result", result).register(registry);
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
