package io.squadron.padlock.server.store;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * How Padlock uses memcached.
 *
 * @param enabled whether there is a memcached tier at all
 * @param addresses {@code host:port} of each server
 * @param keyPrefix prepended to every key (lets deployments and tests share a server)
 * @param ttl how long a wrapped root stays cached
 * @param opTimeout how long one operation may take before it counts as a miss
 */
public record MemcachedSettings(boolean enabled, List<String> addresses, String keyPrefix, Duration ttl,
    Duration opTimeout) {
  public MemcachedSettings {
    addresses = List.copyOf(requireNonNull(addresses, "addresses"));
    requireNonNull(keyPrefix, "keyPrefix");
    requireNonNull(ttl, "ttl");
    requireNonNull(opTimeout, "opTimeout");
    if (enabled && addresses.isEmpty()) {
      throw new IllegalArgumentException("addresses: empty (expected: at least one host:port when enabled)");
    }
    if (ttl.getSeconds() < 1 || ttl.getSeconds() > 30L * 24 * 3600) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: 1s..30d)");
    }
    if (opTimeout.isZero() || opTimeout.isNegative()) {
      throw new IllegalArgumentException("opTimeout: " + opTimeout + " (expected: > 0)");
    }
    if (keyPrefix.length() > 64 || keyPrefix.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
      throw new IllegalArgumentException("keyPrefix: at most 64 printable ASCII characters without spaces");
    }
  }

  /** A copy with another key prefix. */
  public MemcachedSettings withKeyPrefix(String prefix) {
    return new MemcachedSettings(enabled, addresses, prefix, ttl, opTimeout);
  }

  /** A copy with other addresses. */
  public MemcachedSettings withAddresses(List<String> newAddresses) {
    return new MemcachedSettings(enabled, newAddresses, keyPrefix, ttl, opTimeout);
  }
}
