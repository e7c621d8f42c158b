package io.squadron.padlock.server.api;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.padlock.server.keys.Categories;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.store.memcached.MemcachedSettings;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Padlock's own settings ({@code squadron.padlock}; defaults and documentation in {@code
 * reference.conf}), and its stores' standard ones ({@code squadron.stores.cassandra}, {@code
 * squadron.stores.memcached}, read by store-support). Master keys are validated here and never
 * appear in messages: a bad one is named by its version only.
 *
 * @param categories the categories and their current key versions
 * @param masterKeys master key bytes by version
 * @param currentMasterVersion the version new roots are wrapped under
 * @param maxBatchItems the most items one GetDerivedKeys may carry
 * @param maxIdLength the longest user id accepted
 * @param cacheMaxUsers users kept in memory
 * @param cacheTtl how long a user stays in memory (the cross-instance bound on serving a shredded
 *     user)
 * @param absentTtl how long "no such user" is remembered in memory (0: not at all)
 * @param secondMarkerDelay when the second memcached marker write after a shred or block runs
 * @param changePollInterval how often the change log is read (0: never)
 * @param cassandra how to reach Cassandra
 * @param memcachedEnabled whether there is a memcached tier at all
 * @param memcachedTtl how long a wrapped root stays in memcached
 * @param memcached where memcached is and Padlock's key prefix there
 */
public record PadlockSettings(
    Categories categories,
    Map<Integer, byte[]> masterKeys,
    int currentMasterVersion,
    int maxBatchItems,
    int maxIdLength,
    long cacheMaxUsers,
    Duration cacheTtl,
    Duration absentTtl,
    Duration secondMarkerDelay,
    Duration changePollInterval,
    CassandraSettings cassandra,
    boolean memcachedEnabled,
    Duration memcachedTtl,
    MemcachedSettings memcached) {
  public PadlockSettings {
    requireNonNull(categories, "categories");
    masterKeys = Map.copyOf(requireNonNull(masterKeys, "masterKeys"));
    requireNonNull(cacheTtl, "cacheTtl");
    requireNonNull(absentTtl, "absentTtl");
    requireNonNull(secondMarkerDelay, "secondMarkerDelay");
    requireNonNull(changePollInterval, "changePollInterval");
    requireNonNull(cassandra, "cassandra");
    requireNonNull(memcachedTtl, "memcachedTtl");
    requireNonNull(memcached, "memcached");
  }

  /**
   * Reads {@code squadron.padlock} and the standard {@code squadron.stores} keys of Cassandra and
   * memcached.
   */
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
        throw new InvalidConfigException(
            key, "not a version number (expected: keys { 1 = \"<base64>\" })");
      }
      byte[] bytes;
      try {
        bytes =
            Base64.getDecoder()
                .decode(keys.string(com.typesafe.config.ConfigUtil.joinPath(version)).trim());
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(key, "not Base64 (expected: 32 random bytes in Base64)");
      }
      if (bytes.length != 32 || v < 1) {
        throw new InvalidConfigException(
            key, "expected: version >= 1 and 32 bytes in Base64 (got " + bytes.length + " bytes)");
      }
      masterKeys.put(v, bytes);
    }
    if (masterKeys.isEmpty()) {
      throw new InvalidConfigException(
          keys.key(""),
          "no master key (expected: keys { 1 = \"<32 random bytes in "
              + "Base64>\" }, e.g. set CONFIG_FORCE_squadron_padlock_master__keys_keys_1)");
    }
    int current = mk.intInRange("current", 1, Integer.MAX_VALUE);
    if (!masterKeys.containsKey(current)) {
      throw new InvalidConfigException(
          mk.key("current"), current + " (expected: one of " + masterKeys.keySet() + ")");
    }

    ConfigReader cache = p.child("cache");
    CassandraSettings cassandra = CassandraSettings.from(root);
    MemcachedSettings memcached = MemcachedSettings.from(root);
    ConfigReader mc = p.child("memcached");
    boolean memcachedEnabled = mc.bool("enabled");
    if (memcachedEnabled && memcached.addresses().isEmpty()) {
      throw new InvalidConfigException(
          MemcachedSettings.PATH + ".addresses",
          "empty (expected: at least one host:port" + " while " + mc.key("enabled") + " is true)");
    }
    Duration memcachedTtl = mc.positiveDuration("ttl");
    if (memcachedTtl.getSeconds() < 1 || memcachedTtl.getSeconds() > 24L * 3600) {
      // The change log (cql/padlock/V2) keeps changes two days: an entry must expire well before
      // its change does.
      throw new InvalidConfigException(mc.key("ttl"), memcachedTtl + " (expected: 1s..1d)");
    }
    return new PadlockSettings(
        categories,
        masterKeys,
        current,
        p.intInRange("max-batch-items", 1, 100_000),
        p.intInRange("max-id-length", 1, 4096),
        cache.intInRange("max-users", 0, 100_000_000),
        cache.positiveDuration("ttl"),
        absentTtl(cache),
        cache.duration("second-marker-delay"),
        p.child("changes").duration("poll-interval"),
        cassandra,
        memcachedEnabled,
        memcachedTtl,
        memcached);
  }

  private static Duration absentTtl(ConfigReader cache) {
    Duration ttl = cache.duration("absent-ttl");
    if (ttl.compareTo(cache.positiveDuration("ttl")) > 0) {
      throw new InvalidConfigException(
          cache.key("absent-ttl"), ttl + " (expected: at most " + cache.key("ttl") + ")");
    }
    return ttl;
  }

  @Override
  public String toString() {
    return "PadlockSettings{categories="
        + categories
        + ", masterKeyVersions="
        + masterKeys.keySet()
        + ", currentMasterVersion="
        + currentMasterVersion
        + ", cassandra="
        + cassandra
        + ", memcached="
        + (memcachedEnabled ? memcached : "off")
        + "}";
  }
}
