package io.squadron.padlock.server.api;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.padlock.server.keys.Categories;
import io.squadron.padlock.server.store.CassandraSettings;
import io.squadron.padlock.server.store.MemcachedSettings;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Padlock's own settings ({@code squadron.padlock}; defaults and documentation in {@code reference.conf}). Master
 * keys are validated here and never appear in messages: a bad one is named by its version only.
 *
 * @param categories the categories and their current key versions
 * @param masterKeys master key bytes by version
 * @param currentMasterVersion the version new roots are wrapped under
 * @param maxBatchItems the most items one GetDerivedKeys may carry
 * @param maxIdLength the longest user id accepted
 * @param cacheMaxUsers users kept in memory
 * @param cacheTtl how long a user stays in memory (the cross-instance bound on serving a shredded user)
 * @param secondDeleteDelay when the second memcached delete after a shred runs
 * @param cassandra how to reach Cassandra
 * @param memcached how to use memcached
 */
public record PadlockSettings(Categories categories, Map<Integer, byte[]> masterKeys, int currentMasterVersion,
    int maxBatchItems, int maxIdLength, long cacheMaxUsers, Duration cacheTtl, Duration secondDeleteDelay,
    CassandraSettings cassandra, MemcachedSettings memcached) {
  public PadlockSettings {
    requireNonNull(categories, "categories");
    masterKeys = Map.copyOf(requireNonNull(masterKeys, "masterKeys"));
    requireNonNull(cacheTtl, "cacheTtl");
    requireNonNull(secondDeleteDelay, "secondDeleteDelay");
    requireNonNull(cassandra, "cassandra");
    requireNonNull(memcached, "memcached");
  }

  /** Reads {@code squadron.padlock}. */
  public static PadlockSettings from(Config root) {
    ConfigReader p = ConfigReader.at(root, "squadron.padlock");

    ConfigReader c = p.child("categories");
    Map<String, Integer> versions = new LinkedHashMap<>();
    for (String name : c.keys()) {
      versions.put(name, c.intInRange(com.typesafe.config.ConfigUtil.joinPath(name), 1, 1_000_000));
    }
    Categories categories;
    try {
      categories = Categories.of(versions);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(p.key("categories"), e.getMessage());
    }

    ConfigReader mk = p.child("master-keys");
    ConfigReader keys = mk.child("keys");
    Map<Integer, byte[]> masterKeys = new LinkedHashMap<>();
    for (String version : keys.keys()) {
      String key = keys.key(version);
      int v;
      try {
        v = Integer.parseInt(version);
      } catch (NumberFormatException e) {
        throw new InvalidConfigException(key, "not a version number (expected: keys { 1 = \"<base64>\" })");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(keys.string(com.typesafe.config.ConfigUtil.joinPath(version)).trim());
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(key, "not Base64 (expected: 32 random bytes in Base64)");
      }
      if (bytes.length != 32 || v < 1) {
        throw new InvalidConfigException(key, "expected: version >= 1 and 32 bytes in Base64 (got "
            + bytes.length + " bytes)");
      }
      masterKeys.put(v, bytes);
    }
    if (masterKeys.isEmpty()) {
      throw new InvalidConfigException(keys.key(""), "no master key (expected: keys { 1 = \"<32 random bytes in "
          + "Base64>\" }, e.g. set CONFIG_FORCE_squadron_padlock_master__keys_keys_1)");
    }
    int current = mk.intInRange("current", 1, Integer.MAX_VALUE);
    if (!masterKeys.containsKey(current)) {
      throw new InvalidConfigException(mk.key("current"), current + " (expected: one of " + masterKeys.keySet() + ")");
    }

    ConfigReader cache = p.child("cache");
    ConfigReader cs = p.child("cassandra");
    CassandraSettings cassandra;
    try {
      CassandraSettings.EndpointParts endpoint = CassandraSettings.parseEndpoint(cs.nonEmptyString("endpoint"));
      cassandra = new CassandraSettings(endpoint.contactPoints(), endpoint.datacenter(), cs.nonEmptyString("keyspace"),
          cs.nonEmptyString("replication"), cs.positiveDuration("request-timeout"),
          cs.positiveDuration("connect-timeout"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(cs.key("endpoint"), e.getMessage());
    }
    ConfigReader mc = p.child("memcached");
    MemcachedSettings memcached;
    try {
      boolean enabled = mc.bool("enabled");
      String addresses = mc.string("addresses").trim();
      memcached = new MemcachedSettings(enabled,
          addresses.isEmpty() ? java.util.List.of() : java.util.List.of(addresses.split("[,\\s]+")),
          mc.string("key-prefix"), mc.positiveDuration("ttl"), mc.positiveDuration("op-timeout"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(mc.key("addresses"), e.getMessage());
    }
    return new PadlockSettings(categories, masterKeys, current, p.intInRange("max-batch-items", 1, 100_000),
        p.intInRange("max-id-length", 1, 4096), cache.intInRange("max-users", 0, 100_000_000),
        cache.positiveDuration("ttl"), cache.duration("second-delete-delay"), cassandra, memcached);
  }

  @Override
  public String toString() {
    return "PadlockSettings{categories=" + categories + ", masterKeyVersions=" + masterKeys.keySet()
        + ", currentMasterVersion=" + currentMasterVersion + ", cassandra=" + cassandra + ", memcached="
        + memcached + "}";
  }
}
