package io.squadron.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.squadron.infra.cassandra.CassandraLauncher;
import io.squadron.infra.cassandra.CassandraServer;
import io.squadron.infra.process.Processes;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real nodes, started once for the class (Cassandra's start is the slow one: ~15 s): side by
 * side, a restart that keeps the data, and a close that leaves nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
class CassandraLauncherTest {
  private CassandraServer first;
  private CassandraServer second;

  @BeforeAll
  void startTwoNodes() {
    CompletableFuture<CassandraServer> a =
        CompletableFuture.supplyAsync(() -> CassandraLauncher.builder().start());
    CompletableFuture<CassandraServer> b =
        CompletableFuture.supplyAsync(() -> CassandraLauncher.builder().start());
    first = a.join();
    second = b.join();
  }

  @AfterAll
  void closeNodes() {
    if (first != null) {
      first.close();
    }
    if (second != null) {
      second.close();
    }
  }

  private static void write(CqlSession session, String value) {
    session.execute(
        "CREATE KEYSPACE IF NOT EXISTS shop WITH replication = "
            + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    session.execute("CREATE TABLE IF NOT EXISTS shop.items (id text PRIMARY KEY, value text)");
    session.execute("INSERT INTO shop.items (id, value) VALUES ('k', ?)", value);
  }

  private static String read(CqlSession session) {
    return session.execute("SELECT value FROM shop.items WHERE id = 'k'").one().getString("value");
  }

  @Test
  @Order(1)
  void twoNodes_sideBySide_onDifferentPorts_answerQueriesWithTheirOwnData() {
    assertThat(first.port()).isNotEqualTo(second.port());
    assertThat(List.of(first.port(), first.storagePort()))
        .doesNotContain(second.port(), second.storagePort());
    assertThat(first.endpoint().toString()).isEqualTo("127.0.0.1:" + first.port() + "/datacenter1");
    try (CqlSession a = first.sessionBuilder().build();
        CqlSession b = second.sessionBuilder().build()) {
      assertThat(a.execute("SELECT release_version FROM system.local").one().getString(0))
          .startsWith("5.0.");
      write(a, "first");
      write(b, "second");
      assertThat(read(a)).isEqualTo("first");
      assertThat(read(b)).isEqualTo("second");
    }
  }

  @Test
  @Order(2)
  void restart_keepsDataWrittenBeforeIt_onTheSamePort() {
    try (CqlSession session = first.sessionBuilder().build()) {
      write(session, "before restart");
    }
    int port = first.port();
    long pidBefore = first.pid();
    first.restart();
    assertThat(ProcessHandle.of(pidBefore).map(Processes::running).orElse(false)).isFalse();
    assertThat(first.port()).isEqualTo(port);
    try (CqlSession session = first.sessionBuilder().build()) {
      assertThat(read(session)).isEqualTo("before restart");
    }
  }

  @Test
  @Order(3)
  void close_leavesNoProcessAndNoDirectory() {
    ProcessHandle process = ProcessHandle.of(second.pid()).orElseThrow();
    long peak = second.peakRssBytes();
    second.close();
    assertThat(Processes.running(process)).isFalse();
    assertThat(Files.exists(second.workDir())).isFalse();
    assertThat(second.peakRssBytes()).isGreaterThanOrEqualTo(peak).isPositive();
  }
}
