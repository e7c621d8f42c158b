package io.squadron.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.squadron.infra.postgres.PostgresLauncher;
import io.squadron.infra.postgres.PostgresServer;
import io.squadron.infra.process.Processes;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresLauncherTest {

  private static HikariDataSource pool(String jdbcUrl) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setMaximumPoolSize(2);
    return new HikariDataSource(config);
  }

  private static String queryOne(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  @Test
  void start_answersThroughHikari_closeLeavesNoProcessOrDirectory() throws Exception {
    PostgresServer server = PostgresLauncher.builder().start();
    ProcessHandle postmaster = ProcessHandle.of(server.pid()).orElseThrow();
    List<ProcessHandle> children;
    try (HikariDataSource pool = pool(server.jdbcUrl());
        Connection c = pool.getConnection()) {
      assertThat(server.jdbcUrl())
          .startsWith(
              "jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres?user=postgres&password=");
      assertThat(queryOne(c, "SHOW server_version")).startsWith("17.");
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE accounts (id int PRIMARY KEY, name text)");
        s.execute("INSERT INTO accounts VALUES (1, 'ada')");
      }
      assertThat(queryOne(c, "SELECT name FROM accounts WHERE id = 1")).isEqualTo("ada");
      children = postmaster.descendants().toList();
      assertThat(children).isNotEmpty();
    } finally {
      server.close();
    }
    assertThat(Processes.running(postmaster)).isFalse();
    assertThat(children).noneMatch(Processes::running);
    assertThat(Files.exists(server.workDir())).isFalse();
  }

  @Test
  void twoServers_sideBySide_onDifferentPorts_keepTheirOwnData() throws Exception {
    try (PostgresServer first = PostgresLauncher.builder().start();
        PostgresServer second = PostgresLauncher.builder().start();
        Connection a = DriverManager.getConnection(first.jdbcUrl());
        Connection b = DriverManager.getConnection(second.jdbcUrl())) {
      assertThat(first.port()).isNotEqualTo(second.port());
      assertThat(first.password()).isNotEqualTo(second.password());
      try (Statement s = a.createStatement()) {
        s.execute("CREATE TABLE t (v text)");
        s.execute("INSERT INTO t VALUES ('first')");
      }
      try (Statement s = b.createStatement()) {
        s.execute("CREATE TABLE t (v text)");
        s.execute("INSERT INTO t VALUES ('second')");
      }
      assertThat(queryOne(a, "SELECT string_agg(v, ',') FROM t")).isEqualTo("first");
      assertThat(queryOne(b, "SELECT string_agg(v, ',') FROM t")).isEqualTo("second");
    }
  }

  @Test
  void restart_keepsDataAndPort_pauseBlocksQueriesUntilResume() throws Exception {
    try (PostgresServer server = PostgresLauncher.builder().start()) {
      try (Connection c = DriverManager.getConnection(server.jdbcUrl());
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE kept (v text)");
        s.execute("INSERT INTO kept VALUES ('before restart')");
      }
      int port = server.port();
      server.restart();
      assertThat(server.port()).isEqualTo(port);
      try (Connection c = DriverManager.getConnection(server.jdbcUrl())) {
        assertThat(queryOne(c, "SELECT v FROM kept")).isEqualTo("before restart");
      }

      server.pause();
      // socketTimeout is in seconds: a frozen server makes the connection attempt fail after it.
      assertThatThrownBy(
              () ->
                  DriverManager.getConnection(
                      server.jdbcUrl() + "&socketTimeout=1&connectTimeout=1"))
          .isInstanceOf(SQLException.class);
      server.resume();
      try (Connection c = DriverManager.getConnection(server.jdbcUrl())) {
        assertThat(queryOne(c, "SELECT count(*) FROM kept")).isEqualTo("1");
      }
    }
  }

  @Test
  void kill_thenRestart_recoversEveryFlushedCommit_onTheSamePort() throws Exception {
    try (PostgresServer server = PostgresLauncher.builder().start()) {
      try (Connection c = DriverManager.getConnection(server.jdbcUrl());
          Statement s = c.createStatement()) {
        s.execute("CREATE TABLE crashed (v int)");
        s.execute("INSERT INTO crashed SELECT generate_series(1, 1000)");
        // synchronous_commit=off: a commit returns before its WAL is flushed, and a crash loses
        // what the WAL
        // writer has not flushed yet (~0.6 s at most). Wait for the flush, as the WAL writer does
        // by itself.
        String written = queryOne(c, "SELECT pg_current_wal_insert_lsn()::text");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (queryOne(c, "SELECT pg_current_wal_flush_lsn() >= '" + written + "'::pg_lsn")
            .equals("f")) {
          assertThat(System.nanoTime()).as("WAL flushed within 10 s").isLessThan(deadline);
          Thread.sleep(20);
        }
      }
      int port = server.port();
      long pid = server.pid();
      server.kill();
      assertThat(server.isRunning()).isFalse();
      assertThat(ProcessHandle.of(pid).map(Processes::running).orElse(false)).isFalse();
      server.restart(); // crash recovery replays the WAL
      assertThat(server.port()).isEqualTo(port);
      try (Connection c = DriverManager.getConnection(server.jdbcUrl())) {
        assertThat(queryOne(c, "SELECT count(*) FROM crashed")).isEqualTo("1000");
      }
    }
  }
}
