package io.squadron.padlock.client;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import java.time.Duration;

/**
 * The client's settings, {@code squadron.padlock-client} (defaults in this library's {@code
 * reference.conf}).
 *
 * @param cacheTtl how long a derived key stays cached (the bound on using it after a shred
 *     elsewhere)
 * @param cacheMaxEntries the cache's size bound
 * @param maxBatch items per GetDerivedKeys call
 * @param deadline each call's deadline
 */
public record PadlockClientSettings(
    Duration cacheTtl, long cacheMaxEntries, int maxBatch, Duration deadline) {
  public PadlockClientSettings {
    requireNonNull(cacheTtl, "cacheTtl");
    requireNonNull(deadline, "deadline");
  }

  /** Reads {@code squadron.padlock-client}. */
  public static PadlockClientSettings from(Config root) {
    ConfigReader r = ConfigReader.at(root, "squadron.padlock-client");
    return new PadlockClientSettings(
        r.duration("cache-ttl"),
        r.intInRange("cache-max-entries", 0, 100_000_000),
        r.intInRange("max-batch", 1, 10_000),
        r.positiveDuration("deadline"));
  }
}
