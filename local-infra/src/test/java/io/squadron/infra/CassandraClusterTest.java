package io.squadron.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.squadron.infra.cassandra.CassandraCluster;
import io.squadron.infra.cassandra.CassandraLauncher;
import io.squadron.infra.cassandra.CassandraServer;
import io.squadron.infra.process.Processes;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real two-node cluster (127.0.0.1 and 127.0.0.2, same ports, replication factor 2, hints off),
 * started once for the class: both nodes own data, a stopped node misses writes and comes back with
 * its data, a close leaves nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class CassandraClusterTest {
  private CassandraCluster cluster;
  private long startMillis;

  @BeforeAll
  void startCluster() {
    long started = System.nanoTime();
    cluster = CassandraLauncher.builder().heapMb(256).hintedHandoff(false).startCluster(2);
    startMillis = (System.nanoTime() - started) / 1_000_000;
  }

  @AfterAll
  void closeCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static SimpleStatement at(String cql, ConsistencyLevel level, Object... values) {
    return SimpleStatement.newInstance(cql, values).setConsistencyLevel(level);
  }

  /**
   * A session whose only coordinator is {@code node} (so a read at ONE is answered by that
   * replica).
   */
  private static CqlSession only(CassandraServer node) {
    return node.sessionBuilder()
        .withNodeFilter(n -> n.getEndPoint().resolve().equals(node.address()))
        .build();
  }

  @Test
  @Order(1)
  void twoNodes_sameClusterOnTwoAddresses_eachHoldsEveryRowAtReplicationFactorTwo() {
    CassandraServer first = cluster.node(0);
    CassandraServer second = cluster.node(1);
    assertThat(first.address().getHostString()).isEqualTo("127.0.0.1");
    assertThat(second.address().getHostString()).isEqualTo("127.0.0.2");
    assertThat(second.port()).isEqualTo(first.port());
    assertThat(cluster.endpoint())
        .isEqualTo("127.0.0.1:" + first.port() + ",127.0.0.2:" + first.port() + "/datacenter1");
    try (CqlSession session = cluster.sessionBuilder().build()) {
      assertThat(session.getMetadata().getNodes()).hasSize(2);
      session.execute(
          "CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', "
              + "'replication_factor': 2}");
      session.execute("CREATE TABLE shop.items (id text PRIMARY KEY, value text)");
      session.execute(
          at("INSERT INTO shop.items (id, value) VALUES ('k', 'both')", ConsistencyLevel.ALL));
    }
    for (CassandraServer node : cluster.nodes()) {
      try (CqlSession session = only(node)) {
        assertThat(
                session
                    .execute(
                        at("SELECT value FROM shop.items WHERE id = 'k'", ConsistencyLevel.ONE))
                    .one()
                    .getString(0))
            .isEqualTo("both");
      }
    }
    System.out.printf(
        "cassandra cluster of 2 (256 MiB heap each): started in %d ms (seed %d ms, second %d ms); "
            + "peak RSS %d / %d MiB%n",
        startMillis,
        first.startTime().toMillis(),
        second.startTime().toMillis(),
        first.peakRssBytes() >> 20,
        second.peakRssBytes() >> 20);
  }

  @Test
  @Order(2)
  void stoppedNode_missesWritesWithoutHints_restartsWithItsOwnData() {
    CassandraServer second = cluster.node(1);
    second.stop();
    try (CqlSession session = only(cluster.node(0))) {
      session.execute(
          at(
              "INSERT INTO shop.items (id, value) VALUES ('k', 'while down')",
              ConsistencyLevel.ONE));
    }
    long started = System.nanoTime();
    second.restart();
    cluster.awaitAllUp(Duration.ofMinutes(2));
    System.out.printf(
        "cassandra cluster node restart: %d ms%n", (System.nanoTime() - started) / 1_000_000);
    try (CqlSession session = only(second)) {
      assertThat(
              session
                  .execute(at("SELECT value FROM shop.items WHERE id = 'k'", ConsistencyLevel.ONE))
                  .one()
                  .getString(0))
          .as("the replica that was down missed the write")
          .isEqualTo("both");
    }
    try (CqlSession session = only(second)) {
      assertThat(
              session
                  .execute(at("SELECT value FROM shop.items WHERE id = 'k'", ConsistencyLevel.ALL))
                  .one()
                  .getString(0))
          .as("a read of both replicas has the newest")
          .isEqualTo("while down");
    }
  }

  @Test
  @Order(3)
  void close_leavesNoProcessAndNoDirectory() {
    List<ProcessHandle> processes =
        cluster.nodes().stream().map(n -> ProcessHandle.of(n.pid()).orElseThrow()).toList();
    cluster.close();
    assertThat(processes).noneMatch(Processes::running);
    assertThat(cluster.nodes()).noneMatch(n -> Files.exists(n.workDir()));
  }
}
