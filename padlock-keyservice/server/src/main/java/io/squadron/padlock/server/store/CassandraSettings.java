package io.squadron.padlock.server.store;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How Padlock reaches Cassandra.
 *
 * @param contactPoints the nodes to contact first
 * @param localDatacenter the data center whose replicas LOCAL_ONE and LOCAL_QUORUM mean
 * @param keyspace the keyspace holding {@code user_keys}; created at start if missing
 * @param replication the CQL replication map used when creating the keyspace
 * @param requestTimeout how long one statement may take before it fails (no retry follows)
 * @param connectTimeout how long connecting at start may take
 */
public record CassandraSettings(List<InetSocketAddress> contactPoints, String localDatacenter, String keyspace,
    String replication, Duration requestTimeout, Duration connectTimeout) {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  public CassandraSettings {
    contactPoints = List.copyOf(requireNonNull(contactPoints, "contactPoints"));
    requireNonNull(localDatacenter, "localDatacenter");
    requireNonNull(keyspace, "keyspace");
    requireNonNull(replication, "replication");
    requireNonNull(requestTimeout, "requestTimeout");
    requireNonNull(connectTimeout, "connectTimeout");
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("contactPoints: empty (expected: at least one host:port)");
    }
    if (!IDENTIFIER.matcher(keyspace).matches()) {
      throw new IllegalArgumentException("keyspace: '" + keyspace + "' (expected: " + IDENTIFIER + ")");
    }
    if (requestTimeout.isZero() || requestTimeout.isNegative()) {
      throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: > 0)");
    }
  }

  /**
   * Parses an endpoint {@code host:port[,host:port...]/datacenter}, the form of {@code SQUADRON_CASSANDRA}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static EndpointParts parseEndpoint(String endpoint) {
    requireNonNull(endpoint, "endpoint");
    int slash = endpoint.lastIndexOf('/');
    if (slash <= 0 || slash == endpoint.length() - 1) {
      throw new IllegalArgumentException("'" + endpoint + "' (expected: host:port[,host:port...]/datacenter)");
    }
    List<InetSocketAddress> points = new ArrayList<>();
    for (String hostPort : endpoint.substring(0, slash).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + hostPort + "' (expected: host:port)");
      }
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("'" + hostPort + "' (expected: host:port)");
      }
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException("'" + hostPort + "' (expected: a port in 1..65535)");
      }
      points.add(InetSocketAddress.createUnresolved(hostPort.substring(0, colon).trim(), port));
    }
    return new EndpointParts(points, endpoint.substring(slash + 1));
  }

  /** A copy with other contact points (tests route through a fault proxy). */
  public CassandraSettings withContactPoints(List<InetSocketAddress> points) {
    return new CassandraSettings(points, localDatacenter, keyspace, replication, requestTimeout, connectTimeout);
  }

  /**
   * The parts of an endpoint string.
   *
   * @param contactPoints the hosts and ports
   * @param datacenter the local data center
   */
  public record EndpointParts(List<InetSocketAddress> contactPoints, String datacenter) {}
}
