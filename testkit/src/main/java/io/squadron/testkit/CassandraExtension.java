package io.squadron.testkit;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import io.squadron.infra.cassandra.CassandraCluster;
import io.squadron.infra.cassandra.CassandraLauncher;
import io.squadron.infra.cassandra.CassandraServer;
import io.squadron.store.cassandra.CassandraEndpoint;
import java.util.List;

/**
 * A Cassandra keyspace of the test class's own, on a real node, with a session bound to it.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final CassandraExtension CASSANDRA = CassandraExtension.perClass();
 * ...
 * CASSANDRA.session().execute("CREATE TABLE users (id uuid PRIMARY KEY, name text)");
 * </pre>
 *
 * <p>{@link #perClass()} shares the test JVM's node ({@code SQUADRON_CASSANDRA} if set, else one
 * started on first use, ~15 s) and creates a keyspace (replication factor 1) named after the class
 * with a random suffix; {@link #ownServer()} starts a private node for fault tests ({@link
 * #server()}); {@link #ownCluster(int)} a private cluster of several nodes ({@link #cluster()}).
 */
public final class CassandraExtension extends StoreExtension<CassandraStore> {
  private final List<String> clusterDatacenters;
  private CqlSession session;

  private CassandraExtension(boolean ownServer, List<String> clusterDatacenters) {
    super(CassandraStore.class, ownServer);
    this.clusterDatacenters = clusterDatacenters;
  }

  /** A keyspace of the class's own on the test JVM's shared node. */
  public static CassandraExtension perClass() {
    return new CassandraExtension(false, null);
  }

  /**
   * A keyspace on a private local node, stopped after the class; its fault controls are {@link
   * #server()}.
   */
  public static CassandraExtension ownServer() {
    return new CassandraExtension(true, null);
  }

  /**
   * A keyspace on a private local cluster of {@code nodes} nodes in one datacenter (127.0.0.1,
   * 127.0.0.2, ...; 256 MiB heap each, hinted handoff off), replicated to every node; stopped after
   * the class. Each node's fault controls are in {@link #cluster()}: a node stopped now misses
   * every write until a read involves it again.
   */
  public static CassandraExtension ownCluster(int nodes) {
    if (nodes < 1 || nodes > CassandraLauncher.MAX_CLUSTER_NODES) {
      throw new IllegalArgumentException(
          "nodes: " + nodes + " (expected: 1.." + CassandraLauncher.MAX_CLUSTER_NODES + ")");
    }
    return new CassandraExtension(
        true, java.util.Collections.nCopies(nodes, CassandraServer.DATACENTER));
  }

  /**
   * As {@link #ownCluster(int)} with one node per entry of {@code datacenters} (node {@code i} in
   * {@code datacenters[i]}), the keyspace replicated with NetworkTopologyStrategy, one replica per
   * node; the {@link #endpoint()}'s local datacenter is the first node's.
   */
  public static CassandraExtension ownCluster(String... datacenters) {
    if (datacenters.length < 1 || datacenters.length > CassandraLauncher.MAX_CLUSTER_NODES) {
      throw new IllegalArgumentException(
          "datacenters: "
              + datacenters.length
              + " nodes (expected: 1.."
              + CassandraLauncher.MAX_CLUSTER_NODES
              + ")");
    }
    return new CassandraExtension(true, List.of(datacenters));
  }

  /**
   * The private cluster's nodes and their fault controls (only for {@link #ownCluster}).
   *
   * @throws IllegalStateException for a single node
   */
  public CassandraCluster cluster() {
    return store()
        .cluster()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "not a cluster: use ownCluster(n) for a test with several nodes"));
  }

  @Override
  CassandraStore startShared() {
    return CassandraStore.shared(System.getenv());
  }

  @Override
  CassandraStore startOwn() {
    return clusterDatacenters == null
        ? CassandraStore.localProcess()
        : CassandraStore.localCluster(clusterDatacenters);
  }

  @Override
  void setUp(CassandraStore store, String keyspace) {
    store.createKeyspace(keyspace);
    session = store.sessionBuilder().withKeyspace(keyspace).build();
  }

  @Override
  void tearDown() {
    session.close();
  }

  /** The class's keyspace. */
  public String keyspace() {
    return name();
  }

  /** A session whose default keyspace is the class's, closed after the class. */
  public CqlSession session() {
    store();
    return session;
  }

  /** Where the cluster is; its {@code toString()} is the {@code SQUADRON_CASSANDRA} format. */
  public CassandraEndpoint endpoint() {
    return store().endpoint();
  }

  /**
   * A builder for another session (contact points, local datacenter and generous timeouts set, no
   * keyspace); the caller closes the session.
   */
  public CqlSessionBuilder sessionBuilder() {
    return store().sessionBuilder();
  }
}
