package io.squadron.userdb.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.migration.MigrationController;
import io.squadron.migration.MigrationSettings;
import io.squadron.migration.Phase;
import io.squadron.migration.cli.MigrationCli;
import io.squadron.migration.jdbc.JdbcControlStore;
import io.squadron.proto.userdb.v1.CreateUserRequest;
import io.squadron.proto.userdb.v1.GetUserByUsernameRequest;
import io.squadron.proto.userdb.v1.GetUserRequest;
import io.squadron.proto.userdb.v1.UpdateUserRequest;
import io.squadron.proto.userdb.v1.User;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.testkit.service.ServiceExtension;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.cassandra.CassandraUserStore;
import io.squadron.userdb.store.postgres.PostgresUserStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two real userdb instances on real PostgreSQL and Cassandra (and the real Padlock) under steady
 * create, read and update load, while the phase is moved by the same controller and command {@code
 * squadron migrate} uses.
 */
class LiveMigrationTest {
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  @RegisterExtension
  static final ServiceExtension USERDB =
      ServiceExtension.forService("userdb")
          .calls(PADLOCK)
          .config(
              """
      squadron.userdb.store = migrating
      # The tests count failed requests: a busy CI machine must not turn slowness into failures.
      squadron.padlock-client.deadline = 5s
      squadron.store-migration { poll-interval = 100ms, liveness = 3s }
      """);

  private static PostgresUserStore postgres;
  private static CassandraUserStore cassandra;

  @BeforeAll
  static void start() {
    postgres =
        PostgresUserStore.start(PostgresSettings.of(USERDB.postgres().jdbcUrl()).withPoolSize(2));
    cassandra =
        CassandraUserStore.start(
            CassandraSettings.of(USERDB.cassandra().endpoint(), USERDB.cassandra().keyspace())
                .withRequestTimeout(Duration.ofSeconds(5)),
            () -> System.currentTimeMillis() * 1000);
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
    if (cassandra != null) {
      cassandra.close();
    }
  }

  private static SquadronServer instance(String migration, String id) {
    return USERDB.startInstance(
        """
        squadron.service.store-migration.name = %s
        squadron.store-migration { instance-id = %s, backfill { rows-per-second = 3000, page-size = 50, lease-ttl = 2s } }
        """
            .formatted(migration, id));
  }

  private static UserServiceGrpc.UserServiceBlockingStub stub(SquadronServer instance) {
    return USERDB.stub("checkout", instance, UserServiceGrpc::newBlockingStub);
  }

  private static MigrationController controller(String migration) {
    return new MigrationController(
        JdbcControlStore.create(USERDB.postgres().dataSource()),
        migration,
        Duration.ofSeconds(3),
        Clock.systemUTC());
  }

  /** Steady load over two instances; remembers what each user should hold. */
  private static final class Load implements AutoCloseable {
    final List<UserServiceGrpc.UserServiceBlockingStub> stubs;
    final String prefix;
    final Map<String, User> expected = new ConcurrentHashMap<>();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final List<String> failureKinds = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicBoolean running = new AtomicBoolean(true);
    final ExecutorService threads = Executors.newFixedThreadPool(3);

    Load(List<UserServiceGrpc.UserServiceBlockingStub> stubs, String prefix) {
      this.stubs = stubs;
      this.prefix = prefix;
      for (int t = 0; t < 3; t++) {
        int thread = t;
        threads.submit(() -> loop(thread));
      }
    }

    private void loop(int thread) {
      long n = 0;
      while (running.get()) {
        UserServiceGrpc.UserServiceBlockingStub stub = stubs.get((int) (n % stubs.size()));
        n++;
        try {
          requests.incrementAndGet();
          User u =
              stub.createUser(
                      CreateUserRequest.newBuilder()
                          .setUsername(prefix + thread + "u" + n)
                          .setEmail("u" + n + "@example.com")
                          .setCountry("SE")
                          .build())
                  .getUser();
          expected.put(u.getId(), u);
          requests.incrementAndGet();
          User read =
              stubs
                  .get((int) (n + 1) % stubs.size())
                  .getUser(GetUserRequest.newBuilder().setId(u.getId()).build())
                  .getUser();
          check(read.equals(u), "read after create");
          if (n % 2 == 0) {
            requests.incrementAndGet();
            User updated =
                stub.updateUser(
                        UpdateUserRequest.newBuilder()
                            .setId(u.getId())
                            .setEmail("changed" + n + "@example.com")
                            .setCountry("NO")
                            .build())
                    .getUser();
            expected.put(u.getId(), updated);
            requests.incrementAndGet();
            User byName =
                stubs
                    .get((int) (n + 1) % stubs.size())
                    .getUserByUsername(
                        GetUserByUsernameRequest.newBuilder()
                            .setUsername(u.getUsername().toUpperCase())
                            .build())
                    .getUser();
            check(byName.equals(updated), "read after update");
          }
        } catch (RuntimeException e) {
          failures.incrementAndGet();
          failureKinds.add(e.toString());
        }
      }
    }

    private void check(boolean ok, String what) {
      if (!ok) {
        failures.incrementAndGet();
        failureKinds.add("stale " + what);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      threads.shutdown();
      assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void step(MigrationController controller, boolean forward, Phase expected)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      int exit =
          MigrationCli.run(
              forward ? "advance" : "rollback",
              controller,
              MigrationSettings.from(USERDB.config()),
              new PrintStream(text, true, StandardCharsets.UTF_8));
      if (exit == 0) {
        assertThat(controller.status().record().phase()).isEqualTo(expected);
        return;
      }
      assertThat(exit).as(text.toString(StandardCharsets.UTF_8)).isEqualTo(2);
      assertThat(System.nanoTime())
          .as("phase change to " + expected + ": " + text)
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void assertAllIn(
      UserStore store, Map<String, User> expected, SquadronServer reader) {
    UserServiceGrpc.UserServiceBlockingStub stub = stub(reader);
    for (User u : expected.values()) {
      Optional<StoredUser> row = store.get(UUID.fromString(u.getId()));
      assertThat(row).as("row of " + u.getId() + " in " + store.name()).isPresent();
      assertThat(row.get().version()).isEqualTo(u.getVersion());
      assertThat(row.get().country()).isEqualTo(u.getCountry());
      assertThat(stub.getUser(GetUserRequest.newBuilder().setId(u.getId()).build()).getUser())
          .isEqualTo(u);
    }
  }

  @Test
  void fullMigration_postgresOnlyToCassandraOnly_underLoad_zeroFailures() throws Exception {
    String migration = "full_run";
    MigrationController controller = controller(migration);
    try (SquadronServer a = instance(migration, "a");
        SquadronServer b = instance(migration, "b")) {
      List<UserServiceGrpc.UserServiceBlockingStub> stubs = List.of(stub(a), stub(b));
      Map<String, User> before = new ConcurrentHashMap<>();
      for (int i = 0; i < 60; i++) {
        User u =
            stubs
                .get(0)
                .createUser(
                    CreateUserRequest.newBuilder()
                        .setUsername("old" + i)
                        .setEmail("old" + i + "@example.com")
                        .setCountry("DE")
                        .build())
                .getUser();
        before.put(u.getId(), u);
      }
      assertThat(cassandra.get(UUID.fromString(before.keySet().iterator().next()))).isEmpty();
      Load load = new Load(stubs, "full");
      try {
        Thread.sleep(500);
        step(controller, true, Phase.DUAL_WRITE_SOURCE_PRIMARY);
        Thread.sleep(500);
        // An old user, not yet copied: served from PostgreSQL, the dark read in Cassandra misses
        // and is counted.
        String old = before.keySet().iterator().next();
        assertThat(stubs.get(0).getUser(GetUserRequest.newBuilder().setId(old).build()).getUser())
            .isEqualTo(before.get(old));
        assertThat(
                a.meterRegistry()
                    .get("migration_dark_reads_total")
                    .tag("result", "mismatch")
                    .counter()
                    .count())
            .isPositive();
        step(controller, true, Phase.BACKFILL);
        step(controller, true, Phase.DUAL_WRITE_TARGET_PRIMARY); // waits for the backfill to finish
        Thread.sleep(500);
        step(controller, true, Phase.TARGET_ONLY);
        Thread.sleep(500);
        assertThat(
                MigrationCli.run(
                    "rollback",
                    controller,
                    MigrationSettings.from(USERDB.config()),
                    new PrintStream(new ByteArrayOutputStream())))
            .isEqualTo(2);
      } finally {
        load.close();
      }
      System.out.println(
          "full migration: "
              + load.requests.get()
              + " requests, "
              + load.expected.size()
              + " users written under load, "
              + controller.status().backfill().copied()
              + " rows backfilled");
      assertThat(load.failureKinds).isEmpty();
      assertThat(load.failures.get()).isZero();
      assertThat(load.requests.get()).isGreaterThan(100);
      assertThat(controller.status().backfill().done()).isTrue();
      assertThat(controller.status().backfill().mismatches()).isZero();
      before.putAll(load.expected);
      assertAllIn(cassandra, before, a);
      assertThat(a.meterRegistry().scrape())
          .contains("migration_phase")
          .contains("migration_dark_reads_total")
          .contains("migration_backfill_rows_total");
    }
  }

  @Test
  void rollbackFromDualWriteCassandraPrimary_losesNothing() throws Exception {
    String migration = "rollback_run";
    MigrationController controller = controller(migration);
    try (SquadronServer a = instance(migration, "ra");
        SquadronServer b = instance(migration, "rb")) {
      List<UserServiceGrpc.UserServiceBlockingStub> stubs = List.of(stub(a), stub(b));
      step(controller, true, Phase.DUAL_WRITE_SOURCE_PRIMARY);
      step(controller, true, Phase.BACKFILL);
      step(controller, true, Phase.DUAL_WRITE_TARGET_PRIMARY);
      Load load = new Load(stubs, "rb");
      try {
        Thread.sleep(1000);
        step(controller, false, Phase.BACKFILL);
        Thread.sleep(500);
        step(controller, false, Phase.DUAL_WRITE_SOURCE_PRIMARY);
        Thread.sleep(500);
        step(controller, false, Phase.SOURCE_ONLY);
        Thread.sleep(500);
      } finally {
        load.close();
      }
      assertThat(load.failureKinds).isEmpty();
      assertThat(load.expected).isNotEmpty();
      assertAllIn(postgres, load.expected, a);
    }
  }
}
