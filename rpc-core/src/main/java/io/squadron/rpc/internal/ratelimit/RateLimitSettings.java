package io.squadron.rpc.internal.ratelimit;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rate limits as configured under {@code squadron.rate-limits} (defaults in rpc-core's {@code
 * reference.conf}). Limits are per instance.
 *
 * <pre>
 * squadron.rate-limits {
 *   default { rate = 100, burst = 200 }
 *   overrides = [
 *     { caller = "checkout", method = "squadron.shuffle.v1.ShuffleService/Shuffle", rate = 2000, burst = 4000 }
 *   ]
 * }
 * </pre>
 *
 * @param defaultLimit the threshold of every (caller, method) pair without an override
 * @param overrides agreed limits per caller and method
 * @param idleExpiry a bucket unused (and full) for this long is dropped; a new one starts full
 */
public record RateLimitSettings(
    RateLimit defaultLimit, List<RateLimitOverride> overrides, Duration idleExpiry) {
  /** How long an unused bucket is kept by default. */
  public static final Duration DEFAULT_IDLE_EXPIRY = Duration.ofMinutes(5);

  public RateLimitSettings {
    requireNonNull(defaultLimit, "defaultLimit");
    overrides = List.copyOf(requireNonNull(overrides, "overrides"));
    requireNonNull(idleExpiry, "idleExpiry");
    if (idleExpiry.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("idleExpiry: " + idleExpiry + " (expected: >= 1s)");
    }
    Set<String> seen = new HashSet<>();
    for (RateLimitOverride o : overrides) {
      if (!seen.add(o.caller() + " " + o.target())) {
        throw new IllegalArgumentException(
            "overrides: two for caller " + o.caller() + " and " + o.target());
      }
    }
  }

  /** The default threshold for every pair, no override. */
  public static RateLimitSettings of(RateLimit defaultLimit) {
    return new RateLimitSettings(defaultLimit, List.of(), DEFAULT_IDLE_EXPIRY);
  }

  /** A copy with {@code override} added. */
  public RateLimitSettings withOverride(RateLimitOverride override) {
    List<RateLimitOverride> all = new ArrayList<>(overrides);
    all.add(requireNonNull(override, "override"));
    return new RateLimitSettings(defaultLimit, all, idleExpiry);
  }

  /** Reads {@code squadron.rate-limits}. */
  public static RateLimitSettings from(Config root) {
    ConfigReader r = ConfigReader.at(root, "squadron.rate-limits");
    RateLimit defaultLimit = limit(r.child("default"));
    List<RateLimitOverride> overrides = new ArrayList<>();
    List<? extends Config> list;
    try {
      list = root.getConfigList("squadron.rate-limits.overrides");
    } catch (ConfigException e) {
      throw new InvalidConfigException(
          r.key("overrides"),
          "wrong type (expected: a list of "
              + "{ caller = ..., method = ..., rate = ..., burst = ... })");
    }
    for (int i = 0; i < list.size(); i++) {
      String key = r.key("overrides") + "[" + i + "]";
      Config o = list.get(i);
      try {
        overrides.add(
            new RateLimitOverride(
                o.getString("caller"),
                o.getString("method"),
                new RateLimit(o.getDouble("rate"), o.getInt("burst"))));
      } catch (ConfigException | IllegalArgumentException e) {
        throw new InvalidConfigException(
            key,
            e.getMessage()
                + " (expected: { caller = ..., method = ..., rate = ..., burst = ... })");
      }
    }
    Duration idle = r.positiveDuration("idle-expiry");
    try {
      return new RateLimitSettings(defaultLimit, overrides, idle);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          r.key(e.getMessage().startsWith("idle") ? "idle-expiry" : "overrides"), e.getMessage());
    }
  }

  /**
   * Reads an overrides file ({@code squadron.rate-limits.file}): HOCON holding {@code overrides =
   * [...]} and, if it wants, {@code default} and {@code idle-expiry} (or a whole config with {@code
   * squadron.rate-limits}); what it leaves out comes from {@code base}, the service's config.
   *
   * @throws InvalidConfigException naming the file and the bad key
   */
  public static RateLimitSettings fromFile(Path file, byte[] content, Config base) {
    Config parsed;
    try {
      parsed =
          ConfigFactory.parseString(
                  new String(content, StandardCharsets.UTF_8),
                  ConfigParseOptions.defaults().setOriginDescription(file.toString()))
              .resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException(file.toString(), "does not parse: " + e.getMessage());
    }
    Config section =
        parsed.hasPath("squadron.rate-limits") ? parsed.getConfig("squadron.rate-limits") : parsed;
    try {
      return from(section.atPath("squadron.rate-limits").withFallback(base));
    } catch (InvalidConfigException e) {
      throw new InvalidConfigException(
          file + ": " + e.key(), e.getMessage().substring(e.key().length() + 2));
    } catch (ConfigException e) {
      throw new InvalidConfigException(file.toString(), e.getMessage());
    }
  }

  private static RateLimit limit(ConfigReader r) {
    double rate = r.doubleInRange("rate", 0.001, 1e9);
    int burst = r.intInRange("burst", 1, 1_000_000);
    return new RateLimit(rate, burst);
  }
}
