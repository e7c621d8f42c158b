package io.squadron.infra.cassandra;

import static java.util.Objects.requireNonNull;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.squadron.infra.InfraStartException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A local Cassandra cluster started by {@link CassandraLauncher#startCluster}: node {@code i} (from
 * 0) listens on {@code 127.0.0.(i+1)}, every node on the same native and storage ports, the first
 * node is the seed. Each node is a {@link CassandraServer} with its own fault controls ({@code
 * stop()}, {@code restart()}, {@code pause()}), so a test can take one replica away and bring it
 * back. {@link #close()} closes every node.
 *
 * <pre>{@code
 * try (CassandraCluster cluster = CassandraLauncher.builder().heapMb(256).startCluster(3)) {
 *     cluster.node(2).stop();   // the third replica misses what is written now
 *     ...
 *     cluster.node(2).restart();
 * }
 * }</pre>
 */
public final class CassandraCluster implements AutoCloseable {
  private final List<CassandraServer> nodes;

  CassandraCluster(List<CassandraServer> nodes) {
    this.nodes = List.copyOf(nodes);
  }

  /** The nodes, in address order (node 0 on 127.0.0.1 is the seed). */
  public List<CassandraServer> nodes() {
    return nodes;
  }

  /** Node {@code index} (from 0), on {@code 127.0.0.(index+1)}. */
  public CassandraServer node(int index) {
    return nodes.get(index);
  }

  /** The datacenters, in the order of their first node. */
  public List<String> datacenters() {
    Set<String> dcs = new LinkedHashSet<>();
    nodes.forEach(n -> dcs.add(n.localDatacenter()));
    return List.copyOf(dcs);
  }

  /**
   * The first node's datacenter: its nodes as contact points (the {@code SQUADRON_CASSANDRA}
   * value).
   */
  public String endpoint() {
    return endpoint(nodes.get(0).localDatacenter());
  }

  /** The nodes of {@code datacenter} as contact points, {@code datacenter} as the local one. */
  public String endpoint(String datacenter) {
    requireNonNull(datacenter, "datacenter");
    List<String> points =
        nodes.stream()
            .filter(n -> n.localDatacenter().equals(datacenter))
            .map(n -> n.address().getHostString() + ":" + n.port())
            .collect(Collectors.toList());
    if (points.isEmpty()) {
      throw new IllegalArgumentException(
          "datacenter: " + datacenter + " (expected: one of " + datacenters() + ")");
    }
    return String.join(",", points) + "/" + datacenter;
  }

  /**
   * A driver session builder with the first datacenter's nodes as contact points and the timeouts
   * of {@link CassandraServer#localTimeouts()}.
   */
  public CqlSessionBuilder sessionBuilder() {
    String dc = nodes.get(0).localDatacenter();
    CqlSessionBuilder builder =
        CqlSession.builder()
            .withLocalDatacenter(dc)
            .withConfigLoader(CassandraServer.localTimeouts().build());
    nodes.stream()
        .filter(n -> n.localDatacenter().equals(dc))
        .forEach(n -> builder.addContactPoint(n.address()));
    return builder;
  }

  /**
   * Waits until every node of the cluster is up, as clients and as the other nodes see it (after a
   * start, or a node's restart: a node that answers its own clients may not yet be gossiped as up
   * to the others). Per datacenter: a session local to it sees its nodes up (a driver never
   * connects to another datacenter's nodes, so it cannot tell), and a read of a table replicated to
   * every node (system_distributed, when the cluster has at most three nodes) at a consistency of
   * every node succeeds, which needs the coordinator to see each replica up.
   *
   * @throws InfraStartException when some node is not seen up within {@code timeout}
   */
  public void awaitAllUp(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String dc : datacenters()) {
      String last = "no session";
      while (!upIn(dc)) {
        last = lastProblem;
        if (System.nanoTime() > deadline) {
          throw new InfraStartException(
              "cassandra cluster "
                  + endpoint()
                  + ": not every node up after "
                  + timeout.toMillis() / 1000.0
                  + " s ("
                  + last
                  + ")");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
      }
    }
  }

  private volatile String lastProblem = "";

  private boolean upIn(String dc) {
    CqlSessionBuilder builder =
        CqlSession.builder()
            .withLocalDatacenter(dc)
            .withConfigLoader(CassandraServer.localTimeouts().build());
    nodes.stream()
        .filter(n -> n.localDatacenter().equals(dc))
        .forEach(n -> builder.addContactPoint(n.address()));
    try (CqlSession session = builder.build()) {
      List<String> notUp = new ArrayList<>();
      for (Node node : session.getMetadata().getNodes().values()) {
        if (dc.equals(node.getDatacenter()) && node.getState() != NodeState.UP) {
          notUp.add(node.getEndPoint() + " " + node.getState());
        }
      }
      int peers = session.execute("SELECT peer FROM system.peers_v2").all().size();
      if (!notUp.isEmpty()
          || session.getMetadata().getNodes().size() != nodes.size()
          || peers != nodes.size() - 1) {
        lastProblem =
            dc
                + ": seen "
                + session.getMetadata().getNodes().size()
                + " nodes, "
                + peers
                + " peers, not up: "
                + notUp;
        return false;
      }
      if (nodes.size() <= 3) {
        // system_distributed has three replicas (SimpleStrategy), that is every node of a cluster
        // this small;
        // ALL would wait for three even with two nodes, so ask for as many as there are nodes.
        ConsistencyLevel every =
            nodes.size() == 1
                ? ConsistencyLevel.ONE
                : nodes.size() == 2 ? ConsistencyLevel.TWO : ConsistencyLevel.THREE;
        session.execute(
            SimpleStatement.newInstance("SELECT * FROM system_distributed.repair_history LIMIT 1")
                .setConsistencyLevel(every));
      }
      return true;
    } catch (RuntimeException e) {
      lastProblem = dc + ": " + e;
      return false;
    }
  }

  /** Closes every node (killed at once, work directories deleted). Idempotent. */
  @Override
  public void close() {
    List<Thread> closing = new ArrayList<>();
    for (CassandraServer node : nodes) {
      Thread t = new Thread(node::close, "close-" + node);
      t.start();
      closing.add(t);
    }
    for (Thread t : closing) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        nodes.forEach(CassandraServer::close);
        return;
      }
    }
  }

  @Override
  public String toString() {
    return "cassandra cluster "
        + nodes.stream()
            .map(n -> n.address().getHostString() + "/" + n.localDatacenter())
            .collect(Collectors.joining(", "));
  }
}
