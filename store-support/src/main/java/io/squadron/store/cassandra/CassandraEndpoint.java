package io.squadron.store.cassandra;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where a Cassandra cluster is: contact points and the local datacenter, written {@code
 * host:port[,host:port...]/datacenter}, e.g. {@code 127.0.0.1:9042/datacenter1} or {@code
 * cassandra-0.eu:9042,cassandra-1.eu:9042/eu-west}. This is the form of {@code
 * squadron.stores.cassandra.endpoint} and of the {@code SQUADRON_CASSANDRA} variable; IPv6 hosts go
 * in brackets ({@code [::1]:9042/dc1}).
 *
 * <p>The datacenter is required: the driver sends LOCAL_* requests only to the local datacenter's
 * nodes, and a wrong guess would fail every request instead of the start.
 *
 * @param contactPoints the native-transport addresses (unresolved: the driver resolves them), at
 *     least one
 * @param localDatacenter the datacenter the driver treats as local
 */
public record CassandraEndpoint(List<InetSocketAddress> contactPoints, String localDatacenter) {
  private static final String FORM = "host:port[,host:port...]/datacenter";

  /** Validates and copies. */
  public CassandraEndpoint {
    contactPoints = List.copyOf(requireNonNull(contactPoints, "contactPoints"));
    requireNonNull(localDatacenter, "localDatacenter");
    if (contactPoints.isEmpty()) {
      throw new IllegalArgumentException("contactPoints: [] (expected: at least one host:port)");
    }
    if (localDatacenter.isBlank()
        || localDatacenter.chars().anyMatch(c -> c <= ' ' || c == '/' || c == ',')) {
      throw new IllegalArgumentException(
          "localDatacenter: '"
              + localDatacenter
              + "' (expected: a datacenter name without spaces, '/' or ',')");
    }
  }

  /**
   * Parses {@code host:port[,host:port...]/datacenter}.
   *
   * @throws IllegalArgumentException naming the bad part and the expected form
   */
  public static CassandraEndpoint parse(String text) {
    requireNonNull(text, "text");
    String value = text.trim();
    int slash = value.lastIndexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' has no datacenter (expected: " + FORM + ")");
    }
    if (slash == 0) {
      throw new IllegalArgumentException(
          "'" + text + "' has no host:port (expected: " + FORM + ")");
    }
    String datacenter = value.substring(slash + 1).trim();
    if (datacenter.isEmpty()) {
      throw new IllegalArgumentException(
          "'" + text + "' has no datacenter after '/' (expected: " + FORM + ")");
    }
    List<InetSocketAddress> points = new ArrayList<>();
    for (String part : value.substring(0, slash).split(",", -1)) {
      points.add(hostPort(part.trim(), text));
    }
    try {
      return new CassandraEndpoint(points, datacenter);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + text + "': " + e.getMessage(), e);
    }
  }

  private static InetSocketAddress hostPort(String hostPort, String text) {
    int colon = hostPort.lastIndexOf(':');
    if (colon <= 0 || colon == hostPort.length() - 1) {
      throw new IllegalArgumentException(
          "'" + text + "': '" + hostPort + "' is not host:port (expected: " + FORM + ")");
    }
    String host = hostPort.substring(0, colon).trim();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          "'" + text + "': IPv6 host '" + host + "' must be in brackets, e.g. [::1]:9042");
    }
    if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("'" + text + "': '" + hostPort + "' has no valid host");
    }
    String portText = hostPort.substring(colon + 1).trim();
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "'" + text + "': bad port '" + portText + "' (expected: 1..65535)");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("'" + text + "': port " + port + " (expected: 1..65535)");
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** The {@code host:port[,host:port...]/datacenter} form that {@link #parse} reads. */
  @Override
  public String toString() {
    return contactPoints.stream()
            .map(
                a ->
                    (a.getHostString().indexOf(':') >= 0
                            ? "[" + a.getHostString() + "]"
                            : a.getHostString())
                        + ":"
                        + a.getPort())
            .collect(Collectors.joining(","))
        + "/"
        + localDatacenter;
  }
}
