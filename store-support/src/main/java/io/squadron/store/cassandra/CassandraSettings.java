package io.squadron.store.cassandra;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a service reaches its Cassandra keyspace: {@code squadron.stores.cassandra} (defaults and
 * documentation in this module's {@code reference.conf}). Tools ({@code squadron up}, tests) fill
 * {@code endpoint} and {@code keyspace} from the service's descriptor.
 *
 * @param endpoint the contact points and local datacenter
 * @param keyspace the service's keyspace, created at open if missing
 * @param replication the replication of the keyspace when it is created here
 * @param requestTimeout how long one statement may take before it fails (nothing retries it)
 * @param connectTimeout how long connecting (and each reconnection attempt) may take
 * @param schemaTimeout how long one schema statement (and the schema agreement after it) may take
 */
public record CassandraSettings(
    CassandraEndpoint endpoint,
    String keyspace,
    Replication replication,
    Duration requestTimeout,
    Duration connectTimeout,
    Duration schemaTimeout) {
  /** {@code squadron.stores.cassandra}. */
  public static final String PATH = "squadron.stores.cassandra";

  /** The default of {@code request-timeout}. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

  /** The default of {@code connect-timeout}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  /** The default of {@code schema-timeout}. */
  public static final Duration DEFAULT_SCHEMA_TIMEOUT = Duration.ofSeconds(30);

  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  /** Validates. */
  public CassandraSettings {
    requireNonNull(endpoint, "endpoint");
    requireNonNull(keyspace, "keyspace");
    requireNonNull(replication, "replication");
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new IllegalArgumentException(
          "keyspace: '" + keyspace + "' (expected: " + KEYSPACE.pattern() + ")");
    }
    positive("requestTimeout", requestTimeout);
    positive("connectTimeout", connectTimeout);
    positive("schemaTimeout", schemaTimeout);
  }

  /**
   * Settings for {@code keyspace} at {@code endpoint} with replication factor 1 and the default
   * timeouts.
   */
  public static CassandraSettings of(CassandraEndpoint endpoint, String keyspace) {
    return new CassandraSettings(
        endpoint,
        keyspace,
        Replication.simple(1),
        DEFAULT_REQUEST_TIMEOUT,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_SCHEMA_TIMEOUT);
  }

  /**
   * Reads {@value #PATH}.
   *
   * @throws InvalidConfigException naming the bad key
   */
  public static CassandraSettings from(Config root) {
    ConfigReader c = ConfigReader.at(root, PATH);
    CassandraEndpoint endpoint;
    try {
      endpoint = CassandraEndpoint.parse(c.nonEmptyString("endpoint"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(c.key("endpoint"), e.getMessage());
    }
    String keyspace = c.nonEmptyString("keyspace");
    if (!KEYSPACE.matcher(keyspace).matches()) {
      throw new InvalidConfigException(
          c.key("keyspace"), "'" + keyspace + "' (expected: " + KEYSPACE.pattern() + ")");
    }
    return new CassandraSettings(
        endpoint,
        keyspace,
        Replication.from(c.child("replication")),
        c.positiveDuration("request-timeout"),
        c.positiveDuration("connect-timeout"),
        c.positiveDuration("schema-timeout"));
  }

  /** A copy with another keyspace. */
  public CassandraSettings withKeyspace(String newKeyspace) {
    return new CassandraSettings(
        endpoint, newKeyspace, replication, requestTimeout, connectTimeout, schemaTimeout);
  }

  /** A copy with another request timeout. */
  public CassandraSettings withRequestTimeout(Duration timeout) {
    return new CassandraSettings(
        endpoint, keyspace, replication, timeout, connectTimeout, schemaTimeout);
  }

  private static void positive(String name, Duration value) {
    requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  /**
   * The replication of a keyspace created by {@link CassandraStore#open}: {@code SimpleStrategy}
   * with one factor (one datacenter: local runs, tests) or {@code NetworkTopologyStrategy} with a
   * factor per datacenter (production). A keyspace that exists already keeps its own.
   *
   * @param strategy {@code SimpleStrategy} or {@code NetworkTopologyStrategy}
   * @param factors for SimpleStrategy one entry {@code replication_factor}; for
   *     NetworkTopologyStrategy one per datacenter
   */
  public record Replication(String strategy, Map<String, Integer> factors) {
    /** Cassandra's single-datacenter strategy. */
    public static final String SIMPLE = "SimpleStrategy";

    /** Cassandra's per-datacenter strategy. */
    public static final String NETWORK_TOPOLOGY = "NetworkTopologyStrategy";

    private static final Pattern DATACENTER = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** Validates and copies (in the given order). */
    public Replication {
      requireNonNull(strategy, "strategy");
      factors =
          java.util.Collections.unmodifiableMap(
              new LinkedHashMap<>(requireNonNull(factors, "factors")));
      if (!strategy.equals(SIMPLE) && !strategy.equals(NETWORK_TOPOLOGY)) {
        throw new IllegalArgumentException(
            "strategy: '" + strategy + "' (expected: " + SIMPLE + " or " + NETWORK_TOPOLOGY + ")");
      }
      if (factors.isEmpty()) {
        throw new IllegalArgumentException("factors: {} (expected: at least one)");
      }
      for (Map.Entry<String, Integer> e : factors.entrySet()) {
        if (!DATACENTER.matcher(e.getKey()).matches()) {
          throw new IllegalArgumentException(
              "factors: datacenter '" + e.getKey() + "' (expected: " + DATACENTER.pattern() + ")");
        }
        if (e.getValue() == null || e.getValue() < 1 || e.getValue() > 99) {
          throw new IllegalArgumentException(
              "factors: " + e.getKey() + " = " + e.getValue() + " (expected: 1..99)");
        }
      }
      if (strategy.equals(SIMPLE)
          && !(factors.size() == 1 && factors.containsKey("replication_factor"))) {
        throw new IllegalArgumentException(
            "factors: " + factors + " (expected: {replication_factor=N} for " + SIMPLE + ")");
      }
    }

    /** {@code SimpleStrategy} with {@code factor} copies of each row. */
    public static Replication simple(int factor) {
      return new Replication(SIMPLE, Map.of("replication_factor", factor));
    }

    /** {@code NetworkTopologyStrategy} with the given copies per datacenter. */
    public static Replication networkTopology(Map<String, Integer> perDatacenter) {
      return new Replication(NETWORK_TOPOLOGY, perDatacenter);
    }

    static Replication from(ConfigReader r) {
      String strategy = r.nonEmptyString("class");
      try {
        switch (strategy) {
          case SIMPLE:
            return simple(r.intInRange("replication-factor", 1, 99));
          case NETWORK_TOPOLOGY:
            ConfigReader dcs = r.child("datacenters");
            Map<String, Integer> factors = new LinkedHashMap<>();
            for (String dc : dcs.keys()) {
              factors.put(dc, dcs.intInRange(ConfigUtil.joinPath(dc), 1, 99));
            }
            if (factors.isEmpty()) {
              throw new InvalidConfigException(
                  r.key("datacenters"),
                  "empty (expected: { <datacenter> = <copies>, ... } for "
                      + NETWORK_TOPOLOGY
                      + ")");
            }
            return networkTopology(factors);
          default:
            throw new InvalidConfigException(
                r.key("class"),
                "'" + strategy + "' (expected: " + SIMPLE + " or " + NETWORK_TOPOLOGY + ")");
        }
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(r.key("datacenters"), e.getMessage());
      }
    }

    /**
     * The CQL replication map, e.g. {@code {'class': 'SimpleStrategy', 'replication_factor': 1}}.
     */
    public String toCql() {
      return factors.entrySet().stream()
          .map(e -> "'" + e.getKey() + "': " + e.getValue())
          .collect(Collectors.joining(", ", "{'class': '" + strategy + "', ", "}"));
    }
  }
}
