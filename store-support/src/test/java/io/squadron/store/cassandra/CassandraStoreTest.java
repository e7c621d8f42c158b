package io.squadron.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.Row;
import io.grpc.Status;
import io.squadron.infra.cassandra.CassandraLauncher;
import io.squadron.infra.cassandra.CassandraServer;
import io.squadron.infra.process.Ports;
import io.squadron.rpc.internal.errors.ErrorMapping;
import io.squadron.store.StoreErrors;
import io.squadron.store.StoreUnavailableException;
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
 * CassandraStore on a real Cassandra node of this class's own (the last test stops and restarts
 * it): a keyspace per test, created by {@link CassandraStore#open}; versioned CQL applied once, in
 * order, by one of several instances; changed versions refused; readiness; failures as UNAVAILABLE.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CassandraStoreTest {
  private static CassandraServer server;

  @BeforeAll
  static void startNode() {
    server = CassandraLauncher.builder().start();
  }

  @AfterAll
  static void stopNode() {
    server.close();
  }

  /**
   * A keyspace of the test's own; generous timeouts (lightweight transactions on a busy 2-core
   * machine).
   */
  private static CassandraSettings newKeyspace() {
    String keyspace =
        "store_" + Integer.toHexString(ThreadLocalRandom.current().nextInt() & 0x7fffffff);
    return CassandraSettings.of(CassandraEndpoint.parse(server.endpoint()), keyspace)
        .withRequestTimeout(Duration.ofSeconds(10));
  }

  private static long hits(CassandraStore store) {
    Row row = store.session().execute("SELECT n FROM hits WHERE id = 'applied'").one();
    return row == null ? 0 : row.getLong("n");
  }

  private static List<Integer> versions(CassandraStore store, String name) {
    List<Integer> versions = new ArrayList<>();
    for (Row row :
        store
            .session()
            .execute("SELECT version FROM schema_history WHERE name = ? AND version > 0", name)) {
      versions.add(row.getInt("version"));
    }
    return versions;
  }

  @Test
  @Order(1)
  void open_createsTheKeyspace_migrateAppliesInOrderOnce_andRecordsEachVersion() {
    CassandraSettings settings = newKeyspace();
    try (CassandraStore store = CassandraStore.open(settings, "counters-svc")) {
      assertThat(store.session().getKeyspace())
          .hasValueSatisfying(k -> assertThat(k.asInternal()).isEqualTo(settings.keyspace()));
      assertThat(store.keyspace()).isEqualTo(settings.keyspace());
      assertThat(store.isReachable()).isTrue();

      assertThat(store.migrate("counters", "cql/store_test/counters")).isEqualTo(2);
      assertThat(store.migrate("counters", "classpath:cql/store_test/counters")).isZero();

      assertThat(hits(store)).isEqualTo(1);
      assertThat(
              store
                  .session()
                  .execute("SELECT body FROM notes WHERE id = 'v2'")
                  .one()
                  .getString("body"))
          .isEqualTo("it's here; once");
      List<Row> history =
          store
              .session()
              .execute(
                  "SELECT version, description, checksum, applied_at, applied_by"
                      + " FROM schema_history WHERE name = 'counters'")
              .all();
      // No version 0 row: that is the lock, present only while an instance applies.
      assertThat(history).extracting(r -> r.getInt("version")).containsExactly(1, 2);
      assertThat(history)
          .extracting(r -> r.getString("description"))
          .containsExactly("counters", "first hit");
      assertThat(history)
          .allSatisfy(
              r -> {
                assertThat(r.getString("checksum")).hasSize(64);
                assertThat(r.getInstant("applied_at")).isNotNull();
                assertThat(r.getString("applied_by")).startsWith("counters-svc-");
              });
      assertThat(
              store
                  .session()
                  .execute("SELECT * FROM schema_history WHERE name = 'counters' AND version = 0")
                  .all())
          .as("lock row released")
          .isEmpty();
    }
    // A second start finds the keyspace and nothing to apply.
    try (CassandraStore again = CassandraStore.open(settings, "counters-svc")) {
      assertThat(again.migrate("counters", "cql/store_test/counters")).isZero();
      assertThat(hits(again)).isEqualTo(1);
    }
  }

  @Test
  @Order(2)
  void instancesStartingTogether_applyEachVersionOnce() throws Exception {
    CassandraSettings settings = newKeyspace();
    try (CassandraStore first = CassandraStore.open(settings, "first")) {
      // The keyspace exists now; each instance below opens its own session, as separate processes
      // would.
      List<CassandraStore> stores = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        for (int i = 0; i < 3; i++) {
          stores.add(CassandraStore.open(settings, "instance-" + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (CassandraStore store : stores) {
          Callable<Integer> migrate =
              () -> {
                go.await();
                return store.migrate("counters", "cql/store_test/counters");
              };
          results.add(pool.submit(migrate));
        }
        go.countDown();
        int applied = 0;
        for (Future<Integer> result : results) {
          applied += result.get(3, TimeUnit.MINUTES);
        }
        assertThat(applied).isEqualTo(2);
        assertThat(hits(first)).as("the increment of V2 ran once").isEqualTo(1);
        assertThat(versions(first, "counters")).containsExactly(1, 2);
      } finally {
        pool.shutdownNow();
        stores.forEach(CassandraStore::close);
      }
    }
  }

  @Test
  @Order(3)
  void changedAppliedVersion_refusedWithAClearError_andNothingApplied() {
    try (CassandraStore store = CassandraStore.open(newKeyspace(), "changed")) {
      store.migrate("counters", "cql/store_test/counters");
      assertThatThrownBy(() -> store.migrate("counters", "cql/store_test/counters_changed"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cassandra schema 'counters'")
          .hasMessageContaining("V1__counters.cql changed after it was applied")
          .hasMessageContaining("add a new one");
      assertThat(hits(store)).isEqualTo(1);
    }
  }

  @Test
  @Order(4)
  void schemasWithOtherNames_shareTheKeyspace_withoutClashing() {
    try (CassandraStore store = CassandraStore.open(newKeyspace(), "shared")) {
      assertThat(store.migrate("counters", "cql/store_test/counters")).isEqualTo(2);
      assertThat(store.migrate("other", "cql/store_test/other")).isEqualTo(1);
      assertThat(versions(store, "counters")).containsExactly(1, 2);
      assertThat(versions(store, "other")).containsExactly(1);
      assertThat(store.migrate("counters", "cql/store_test/counters")).isZero();
      assertThat(store.migrate("other", "cql/store_test/other")).isZero();
    }
  }

  @Test
  @Order(5)
  void newVersionBelowAnAppliedOne_refused_missingLocationOrBadName_rejected() {
    try (CassandraStore store = CassandraStore.open(newKeyspace(), "gaps")) {
      assertThat(store.migrate("gaps", "cql/store_test/gap_v1_v3")).isEqualTo(2);
      assertThatThrownBy(() -> store.migrate("gaps", "cql/store_test/gap_v2"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("V2__b.cql is new but version 3 is applied already");
      assertThatThrownBy(() -> store.migrate("gaps", "cql/store_test/nowhere"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("no V<n>__<description>.cql file");
      assertThatThrownBy(() -> store.migrate("Gaps", "cql/store_test/gap_v1_v3"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("name");
    }
  }

  @Test
  @Order(6)
  void open_nothingListening_failsFastUnavailable() {
    CassandraSettings nowhere =
        new CassandraSettings(
            CassandraEndpoint.parse("127.0.0.1:" + Ports.random().next() + "/datacenter1"),
            "nowhere",
            CassandraSettings.Replication.simple(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(5));
    long start = System.nanoTime();
    assertThatThrownBy(() -> CassandraStore.open(nowhere, "nowhere"))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageStartingWith("cassandra unavailable during connect");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(15));
  }

  @Test
  @Order(100)
  void nodeStopped_notReady_statementsFailUnavailable_thenReadyAgainAfterRestart()
      throws Exception {
    try (CassandraStore store = CassandraStore.open(newKeyspace(), "fault")) {
      store.migrate("counters", "cql/store_test/counters");
      assertThat(store.isReachable()).isTrue();

      server.stop();
      long start = System.nanoTime();
      eventually(() -> !store.isReachable(), Duration.ofSeconds(15));
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(15));
      StoreUnavailableException failure;
      try {
        store.session().execute("SELECT n FROM hits WHERE id = 'applied'");
        throw new AssertionError("read from a stopped node");
      } catch (DriverException e) {
        failure = new StoreUnavailableException("cassandra", "read hits", e);
      }
      assertThat(
              new ErrorMapping(List.of(StoreErrors.exceptionMapper()))
                  .toStatus(failure)
                  .getStatus()
                  .getCode())
          .isEqualTo(Status.Code.UNAVAILABLE);

      server.restart();
      eventually(store::isReachable, Duration.ofSeconds(60));
      assertThat(hits(store)).isEqualTo(1);
    }
  }

  private static void eventually(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(100);
    }
  }
}
