package io.squadron.infra.cassandra;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Where a Cassandra cluster is, as carried by {@code SQUADRON_CASSANDRA}: contact points and the local datacenter,
 * written {@code host:port[,host:port...]/datacenter}, e.g. {@code 127.0.0.1:9042/datacenter1}. Without
 * {@code /datacenter} the datacenter is {@value #DEFAULT_DATACENTER}, the name of a single node's.
 *
 * @param contactPoints the native-transport addresses (unresolved), at least one
 * @param localDatacenter the datacenter the driver treats as local
 */
public record CassandraEndpoint(List<InetSocketAddress> contactPoints, String localDatacenter) {
    /** The datacenter of a single node with Cassandra's SimpleSnitch. */
    public static final String DEFAULT_DATACENTER = "datacenter1";

    /** Validates and copies. */
    public CassandraEndpoint {
        contactPoints = List.copyOf(requireNonNull(contactPoints, "contactPoints"));
        requireNonNull(localDatacenter, "localDatacenter");
        if (contactPoints.isEmpty()) {
            throw new IllegalArgumentException("contactPoints: [] (expected: at least one)");
        }
        if (localDatacenter.isBlank()) {
            throw new IllegalArgumentException("localDatacenter: '' (expected: a datacenter name)");
        }
    }

    /**
     * Parses {@code host:port[,host:port...][/datacenter]}.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    public static CassandraEndpoint parse(String text) {
        requireNonNull(text, "text");
        String value = text.trim();
        int slash = value.indexOf('/');
        String hosts = slash < 0 ? value : value.substring(0, slash);
        String datacenter = slash < 0 ? DEFAULT_DATACENTER : value.substring(slash + 1);
        List<InetSocketAddress> points = new ArrayList<>();
        for (String hostPort : hosts.split(",")) {
            String trimmed = hostPort.trim();
            int colon = trimmed.lastIndexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("cassandra endpoint: '" + text
                        + "' (expected: host:port[,host:port...]/datacenter)");
            }
            int port;
            try {
                port = Integer.parseInt(trimmed.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("cassandra endpoint: '" + text + "' has a bad port '"
                        + trimmed.substring(colon + 1) + "'", e);
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("cassandra endpoint: port " + port + " (expected: 1..65535)");
            }
            points.add(InetSocketAddress.createUnresolved(trimmed.substring(0, colon), port));
        }
        return new CassandraEndpoint(points, datacenter);
    }

    /** The {@code host:port[,host:port...]/datacenter} form that {@link #parse} reads. */
    @Override
    public String toString() {
        return contactPoints.stream().map(a -> a.getHostString() + ":" + a.getPort())
                .collect(Collectors.joining(",")) + "/" + localDatacenter;
    }
}
