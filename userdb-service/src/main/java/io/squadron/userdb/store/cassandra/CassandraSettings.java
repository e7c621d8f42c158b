package io.squadron.userdb.store.cassandra;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where the Cassandra store is ({@code squadron.userdb.cassandra}).
 *
 * @param contactPoints nodes to connect to first
 * @param localDatacenter the datacenter the driver treats as local
 * @param keyspace the keyspace of the tables
 * @param createKeyspace whether to create the keyspace when missing (local runs, tests); clusters create it with
 *     their own replication
 * @param replicationFactor SimpleStrategy replication when the keyspace is created here
 * @param requestTimeout the driver's per-request timeout
 */
public record CassandraSettings(List<InetSocketAddress> contactPoints, String localDatacenter, String keyspace,
    boolean createKeyspace, int replicationFactor, Duration requestTimeout) {
  private static final Pattern KEYSPACE = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  public CassandraSettings {
    contactPoints = List.copyOf(requireNonNull(contactPoints, "contactPoints"));
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("contactPoints: empty (expected: at least one host:port)");
    }
    requireNonNull(localDatacenter, "localDatacenter");
    if (!KEYSPACE.matcher(requireNonNull(keyspace, "keyspace")).matches()) {
      throw new IllegalArgumentException("keyspace: " + keyspace + " (expected: [a-z][a-z0-9_]{0,47})");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replicationFactor: " + replicationFactor + " (expected: >= 1)");
    }
    requireNonNull(requestTimeout, "requestTimeout");
  }

  /**
   * Reads {@code squadron.userdb.cassandra}: {@code endpoint} ({@code host:port[,host:port...]/datacenter}, the
   * {@code SQUADRON_CASSANDRA} format), {@code keyspace}, {@code create-keyspace}, {@code replication-factor},
   * {@code request-timeout}.
   */
  public static CassandraSettings from(Config root) {
    ConfigReader c = ConfigReader.at(root, "squadron.userdb.cassandra");
    String endpoint = c.nonEmptyString("endpoint");
    int slash = endpoint.lastIndexOf('/');
    if (slash <= 0 || slash == endpoint.length() - 1) {
      throw new InvalidConfigException(c.key("endpoint"), "expected host:port[,host:port...]/datacenter");
    }
    List<InetSocketAddress> points = new ArrayList<>();
    for (String hostPort : endpoint.substring(0, slash).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0) {
        throw new InvalidConfigException(c.key("endpoint"), "expected host:port[,host:port...]/datacenter");
      }
      try {
        points.add(new InetSocketAddress(hostPort.substring(0, colon).trim(),
            Integer.parseInt(hostPort.substring(colon + 1).trim())));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(c.key("endpoint"), "bad port in " + hostPort);
      }
    }
    try {
      return new CassandraSettings(points, endpoint.substring(slash + 1), c.nonEmptyString("keyspace"),
          c.bool("create-keyspace"), c.intInRange("replication-factor", 1, 9), c.positiveDuration("request-timeout"));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(c.key("keyspace"), e.getMessage());
    }
  }
}
