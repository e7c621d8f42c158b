package io.squadron.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import io.squadron.infra.LocalInfra;
import io.squadron.infra.cassandra.CassandraCluster;
import io.squadron.infra.cassandra.CassandraLauncher;
import io.squadron.infra.cassandra.CassandraServer;
import io.squadron.store.cassandra.CassandraEndpoint;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.testcontainers.containers.GenericContainer;

/**
 * A Cassandra node or cluster for tests, with one admin session that creates and drops keyspaces.
 */
final class CassandraStore extends StoreServer {
  private final CassandraEndpoint endpoint;
  private final CassandraCluster cluster;
  private final String replication;
  private final CqlSession admin;

  private CassandraStore(
      Source source, CassandraEndpoint endpoint, CassandraServer local, AutoCloseable owned) {
    this(
        source,
        endpoint,
        local,
        null,
        owned,
        "{'class': 'SimpleStrategy', 'replication_factor': 1}");
  }

  private CassandraStore(
      Source source,
      CassandraEndpoint endpoint,
      CassandraServer local,
      CassandraCluster cluster,
      AutoCloseable owned,
      String replication) {
    super(source, local, owned);
    this.endpoint = endpoint;
    this.cluster = cluster;
    this.replication = replication;
    this.admin = sessionBuilder().build();
  }

  /** The cluster named by {@code SQUADRON_CASSANDRA}, else a container, else a local process. */
  static CassandraStore shared(Map<String, String> environment) {
    switch (Source.choose(environment, LocalInfra.CASSANDRA_ENV)) {
      case ENVIRONMENT:
        return new CassandraStore(
            Source.ENVIRONMENT,
            CassandraEndpoint.parse(environment.get(LocalInfra.CASSANDRA_ENV)),
            null,
            null);
      case CONTAINER:
        return containerOrLocal(
            "cassandra", CassandraStore::container, CassandraStore::localProcess);
      default:
        return localProcess();
    }
  }

  /** A new local Cassandra node. */
  static CassandraStore localProcess() {
    CassandraServer server = CassandraLauncher.builder().start();
    try {
      return new CassandraStore(
          Source.LOCAL_PROCESS, CassandraEndpoint.parse(server.endpoint()), server, server);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * A new local cluster, one node per entry of {@code datacenters}, hinted handoff off; keyspaces
   * get one replica per node (SimpleStrategy in one datacenter, NetworkTopologyStrategy over
   * several).
   */
  static CassandraStore localCluster(List<String> datacenters) {
    // Several nodes start on a small, shared machine: give each more time than a single node gets.
    CassandraCluster cluster =
        CassandraLauncher.builder()
            .heapMb(CLUSTER_HEAP_MB)
            .hintedHandoff(false)
            .startTimeout(java.time.Duration.ofMinutes(6))
            .startCluster(datacenters);
    try {
      Map<String, Long> perDc =
          datacenters.stream()
              .collect(Collectors.groupingBy(dc -> dc, LinkedHashMap::new, Collectors.counting()));
      String replication =
          perDc.size() == 1
              ? "{'class': 'SimpleStrategy', 'replication_factor': " + datacenters.size() + "}"
              : perDc.entrySet().stream()
                  .map(e -> "'" + e.getKey() + "': " + e.getValue())
                  .collect(Collectors.joining(", ", "{'class': 'NetworkTopologyStrategy', ", "}"));
      return new CassandraStore(
          Source.LOCAL_PROCESS,
          CassandraEndpoint.parse(cluster.endpoint()),
          null,
          cluster,
          cluster,
          replication);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** Heap of each node of a test cluster (several share a small machine). */
  static final int CLUSTER_HEAP_MB = 256;

  private static CassandraStore container() {
    GenericContainer<?> container = Containers.cassandra();
    container.start();
    CassandraEndpoint endpoint =
        new CassandraEndpoint(
            List.of(
                InetSocketAddress.createUnresolved(
                    container.getHost(), container.getMappedPort(Containers.CASSANDRA_PORT))),
            CassandraServer.DATACENTER);
    return new CassandraStore(Source.CONTAINER, endpoint, null, container);
  }

  CassandraEndpoint endpoint() {
    return endpoint;
  }

  /** The local cluster, if this store is one. */
  java.util.Optional<CassandraCluster> cluster() {
    return java.util.Optional.ofNullable(cluster);
  }

  /**
   * A session builder with the cluster's contact points and local datacenter, and the generous
   * timeouts of {@link CassandraServer#localTimeouts()} (test machines are small and busy).
   */
  CqlSessionBuilder sessionBuilder() {
    CqlSessionBuilder builder =
        CqlSession.builder()
            .withLocalDatacenter(endpoint.localDatacenter())
            .withConfigLoader(CassandraServer.localTimeouts().build());
    for (InetSocketAddress point : endpoint.contactPoints()) {
      builder.addContactPoint(new InetSocketAddress(point.getHostString(), point.getPort()));
    }
    return builder;
  }

  /** Creates {@code keyspace}: replication factor 1, or one replica per node of a local cluster. */
  void createKeyspace(String keyspace) {
    admin.execute("CREATE KEYSPACE " + keyspace + " WITH replication = " + replication);
    created(keyspace);
  }

  @Override
  void drop(String keyspace) {
    admin.execute("DROP KEYSPACE IF EXISTS " + keyspace);
  }

  @Override
  void closeClients() {
    admin.close();
  }
}
