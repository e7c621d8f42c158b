package io.squadron.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squadron.infra.postgres.PostgresLauncher;
import io.squadron.infra.postgres.PostgresServer;
import io.squadron.infra.process.Ports;
import io.squadron.rpc.internal.errors.ErrorMapping;
import io.squadron.store.StoreErrors;
import io.squadron.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * PostgresStore on a real PostgreSQL server of this class's own (the last test stops and restarts
 * it): a database per test from {@link PostgresDatabases}, Flyway schemas with a history table per
 * name, readiness, and failures as UNAVAILABLE.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresStoreTest {
  private static PostgresServer server;

  @BeforeAll
  static void startServer() {
    server = PostgresLauncher.builder().start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static PostgresSettings newDatabase() throws SQLException {
    String database =
        "store_" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0x7fffffff);
    return PostgresSettings.of(PostgresDatabases.ensure(server.jdbcUrl(), database))
        .withPoolSize(4)
        .withConnectionTimeout(Duration.ofSeconds(5));
  }

  private static long count(PostgresStore store, String sql) throws SQLException {
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet r = s.executeQuery()) {
      r.next();
      return r.getLong(1);
    }
  }

  private static List<String> versions(PostgresStore store, String name) throws SQLException {
    List<String> versions = new ArrayList<>();
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT version FROM "
                    + PostgresStore.historyTable(name)
                    + " WHERE success ORDER BY installed_rank");
        ResultSet r = s.executeQuery()) {
      while (r.next()) {
        versions.add(r.getString(1));
      }
    }
    return versions;
  }

  @Test
  @Order(1)
  void ensure_createsOnce_andReturnsTheDatabasesUrl() throws Exception {
    String first = PostgresDatabases.ensure(server.jdbcUrl(), "store_ensure");
    String again = PostgresDatabases.ensure(server.jdbcUrl(), "store_ensure");
    assertThat(again)
        .isEqualTo(first)
        .startsWith("jdbc:postgresql://127.0.0.1:" + server.port() + "/store_ensure?");
    try (PostgresStore store = PostgresStore.open(PostgresSettings.of(first), "ensure", null)) {
      assertThat(
              count(
                  store,
                  "SELECT count(*) FROM pg_database WHERE datname = current_database()"
                      + " AND datname = 'store_ensure'"))
          .isEqualTo(1);
    }
  }

  @Test
  @Order(2)
  void migrate_appliesInOrderOnce() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (PostgresStore store = PostgresStore.open(newDatabase(), "orders-svc", registry)) {
      assertThat(store.migrate("orders", "db/store_test/orders")).isEqualTo(2);
      assertThat(store.migrate("orders", "classpath:db/store_test/orders")).isZero();

      assertThat(versions(store, "orders")).containsExactly("1", "2");
      assertThat(count(store, "SELECT count(*) FROM orders")).isEqualTo(1);
      assertThat(store.isReachable()).isTrue();
      assertThat(registry.find("hikaricp.connections").tag("pool", "orders-svc").gauge())
          .isNotNull();
    }
  }

  @Test
  @Order(3)
  void twoSchemasInOneDatabase_haveTheirOwnHistory() throws Exception {
    try (PostgresStore store = PostgresStore.open(newDatabase(), "shared", null)) {
      assertThat(store.migrate("orders", "db/store_test/orders")).isEqualTo(2);
      // The database is not empty any more: the second schema starts its own history at 0 and
      // applies its V1.
      assertThat(store.migrate("outbox", "db/store_test/outbox")).isEqualTo(1);

      assertThat(versions(store, "orders")).containsExactly("1", "2");
      // "0" is the baseline Flyway records for a schema that starts in a database with other
      // tables.
      assertThat(versions(store, "outbox")).containsExactly("0", "1");
      assertThat(count(store, "SELECT count(*) FROM outbox")).isZero();
      assertThat(store.migrate("orders", "db/store_test/orders")).isZero();
    }
  }

  @Test
  @Order(4)
  void concurrentMigrations_applyEachVersionOnce() throws Exception {
    // The race to baseline a fresh history table is lost in several ways depending on timing:
    // several rounds, each on a fresh database, meet more of them.
    for (int round = 0; round < RACE_ROUNDS; round++) {
      migrateTogether(newDatabase(), 3);
    }
  }

  private static final int RACE_ROUNDS = Integer.getInteger("squadron.test.raceRounds", 5);

  private void migrateTogether(PostgresSettings settings, int instances) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    List<PostgresStore> stores = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        PostgresStore store = PostgresStore.open(settings, "instance-" + i, null);
        stores.add(store);
        Callable<Integer> migrate =
            () -> {
              go.await();
              return store.migrate("orders", "db/store_test/orders");
            };
        results.add(pool.submit(migrate));
      }
      go.countDown();
      int applied = 0;
      for (Future<Integer> result : results) {
        applied += result.get(60, TimeUnit.SECONDS);
      }
      assertThat(applied).isEqualTo(2);
      assertThat(versions(stores.get(0), "orders")).containsExactly("1", "2");
      assertThat(count(stores.get(0), "SELECT count(*) FROM orders")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
      stores.forEach(PostgresStore::close);
    }
  }

  @Test
  @Order(5)
  void changedAppliedVersion_refused() throws Exception {
    try (PostgresStore store = PostgresStore.open(newDatabase(), "changed", null)) {
      store.migrate("orders", "db/store_test/orders");
      assertThatThrownBy(() -> store.migrate("orders", "db/store_test/orders_changed"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("postgres schema 'orders'")
          .hasMessageContaining("checksum mismatch");
      assertThatThrownBy(() -> store.migrate("orders", "db/store_test/nowhere"))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> store.migrate("Orders", "db/store_test/orders"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name");
    }
  }

  @Test
  @Order(6)
  void open_nothingListening_failsFastUnavailable() {
    int port = Ports.random().next();
    PostgresSettings nowhere =
        new PostgresSettings(
            "jdbc:postgresql://127.0.0.1:" + port + "/db?user=u&password=secret",
            2,
            Duration.ofMillis(500));
    long start = System.nanoTime();
    assertThatThrownBy(() -> PostgresStore.open(nowhere, "nowhere", null))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith("postgres unavailable during connect")
        .hasMessageNotContaining("secret");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  @Order(100)
  void serverStopped_notReady_callsUnavailable_thenReadyAgainAfterRestart() throws Exception {
    try (PostgresStore store =
        PostgresStore.open(
            newDatabase().withConnectionTimeout(Duration.ofSeconds(1)), "fault", null)) {
      store.migrate("orders", "db/store_test/orders");
      assertThat(store.isReachable()).isTrue();

      server.stop();
      long start = System.nanoTime();
      assertThat(store.isReachable()).isFalse();
      assertThat(System.nanoTime() - start)
          .as("a quick check")
          .isLessThan(TimeUnit.SECONDS.toNanos(5));
      StatusRuntimeException status;
      try {
        count(store, "SELECT count(*) FROM orders");
        throw new AssertionError("read from a stopped server");
      } catch (SQLException e) {
        status =
            new ErrorMapping(List.of(StoreErrors.exceptionMapper()))
                .toStatus(PostgresStore.unavailable("read orders", e));
      }
      assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(status.getStatus().getDescription())
          .contains("postgres unavailable during read orders");
      assertThat(io.grpc.protobuf.StatusProto.fromThrowable(status).getDetailsList())
          .anyMatch(a -> a.is(com.google.rpc.RetryInfo.class));

      server.restart();
      eventually(store::isReachable, Duration.ofSeconds(30));
      assertThat(count(store, "SELECT count(*) FROM orders")).isEqualTo(1);
    }
  }

  /** Polls a condition that depends on a real server and pool reconnecting. */
  static void eventually(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(100);
    }
  }
}
