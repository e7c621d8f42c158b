package io.squadron.userdb.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.grpc.StatusRuntimeException;
import io.squadron.infra.LocalInfra;
import io.squadron.migration.MigrationController;
import io.squadron.migration.Phase;
import io.squadron.migration.jdbc.JdbcControlStore;
import io.squadron.proto.userdb.v1.CreateUserRequest;
import io.squadron.proto.userdb.v1.GetUserRequest;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import io.squadron.store.postgres.PostgresDatabases;
import io.squadron.testkit.service.ServiceHarness;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./squadron bench userdb}: gets and creates per second and p99 through gRPC (closed loop, 4
 * threads) on userdb over PostgreSQL, then over Cassandra, then during a full live migration with
 * two instances (counting failed requests). Stores from {@code SQUADRON_*} when set, else started
 * here; the real Padlock runs in-process.
 */
public final class UserdbBenchmark {
  private static final int THREADS = 4;
  private static final Duration MEASURE = Duration.ofSeconds(8);

  private UserdbBenchmark() {}

  /** Latencies and counts of one kind of call. */
  private static final class Stats {
    final List<long[]> perThread = new CopyOnWriteArrayList<>();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong calls = new AtomicLong();

    double p99Millis() {
      long[] all =
          perThread.stream().flatMapToLong(Arrays::stream).filter(v -> v > 0).sorted().toArray();
      return all.length == 0
          ? 0
          : all[(int) Math.min(all.length - 1, Math.ceil(all.length * 0.99) - 1)] / 1e6;
    }
  }

  public static void main(String[] args) {
    try {
      run();
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run() throws Exception {
    Result result;
    String run = "bench_userdb_" + Long.toHexString(System.nanoTime() & 0xffffff);
    try (LocalInfra infra =
        LocalInfra.builder()
            .fromEnvironment(System.getenv())
            .postgres(true)
            .cassandra(true)
            .memcached(true)
            .build()
            .start()) {
      var env = infra.environment();
      String dbUrl = PostgresDatabases.ensure(env.get(LocalInfra.POSTGRES_URL_ENV), run);
      try (ServiceHarness padlock =
          ServiceHarness.forService("padlock")
              .cassandra(env.get(LocalInfra.CASSANDRA_ENV), run + "_padlock")
              .memcached(env.get(LocalInfra.MEMCACHED_ENV), run + ":")
              .start()) {
        Bench bench = new Bench(padlock.port(), dbUrl, env.get(LocalInfra.CASSANDRA_ENV), run);
        String[] header = {"store", "create/s", "create p99 ms", "get/s", "get p99 ms", "failed"};
        List<String[]> rows = new ArrayList<>();
        double pgGets;
        double csGets;
        try (ServiceHarness pg = bench.userdb("squadron.userdb.store = postgres")) {
          double[] r = measure(pg.stub("checkout", UserServiceGrpc::newBlockingStub), "pg");
          rows.add(row("postgres", r));
          pgGets = r[2];
        }
        try (ServiceHarness cs = bench.userdb("squadron.userdb.store = cassandra")) {
          double[] r = measure(cs.stub("checkout", UserServiceGrpc::newBlockingStub), "cs");
          rows.add(row("cassandra", r));
          csGets = r[2];
        }
        long switchFailures = migrate(bench, dbUrl, rows);
        result = new Result(header, rows, pgGets, csGets, switchFailures);
      }
    }
    print(result);
  }

  /** What the run measured. */
  private record Result(
      String[] header, List<String[]> rows, double pgGets, double csGets, long switchFailures) {}

  /**
   * Prints the table, then the BENCH line last (after every store and server has stopped and
   * logged).
   */
  private static void print(Result r) {
    System.out.printf("%-22s %10s %14s %10s %12s %8s%n", (Object[]) r.header());
    for (String[] row : r.rows()) {
      System.out.printf("%-22s %10s %14s %10s %12s %8s%n", (Object[]) row);
    }
    System.out.printf(
        Locale.ROOT,
        "BENCH userdb postgres_get_qps=%.0f cassandra_get_qps=%.0f"
            + " switch_failed_requests=%d%n",
        r.pgGets(),
        r.csGets(),
        r.switchFailures());
  }

  private static String[] row(String name, double[] r) {
    return new String[] {
      name,
      String.format(Locale.ROOT, "%.0f", r[0]),
      String.format(Locale.ROOT, "%.1f", r[1]),
      String.format(Locale.ROOT, "%.0f", r[2]),
      String.format(Locale.ROOT, "%.1f", r[3]),
      String.format(Locale.ROOT, "%.0f", r[4])
    };
  }

  /**
   * Creates for a while, then gets for a while: {create/s, create p99, get/s, get p99, failures}.
   */
  private static double[] measure(UserServiceGrpc.UserServiceBlockingStub stub, String prefix)
      throws Exception {
    List<String> ids = new CopyOnWriteArrayList<>();
    load(
        THREADS,
        Duration.ofSeconds(3),
        (t, n) ->
            ids.add(
                stub.createUser(
                        CreateUserRequest.newBuilder() // warm-up
                            .setUsername(prefix + "w" + t + "n" + n)
                            .setEmail("w@example.com")
                            .setCountry("SE")
                            .build())
                    .getUser()
                    .getId()));
    Stats creates =
        load(
            THREADS,
            MEASURE.dividedBy(2),
            (t, n) -> {
              ids.add(
                  stub.createUser(
                          CreateUserRequest.newBuilder()
                              .setUsername(prefix + t + "n" + n)
                              .setEmail("b" + n + "@example.com")
                              .setCountry("SE")
                              .build())
                      .getUser()
                      .getId());
            });
    Stats gets =
        load(
            THREADS,
            MEASURE,
            (t, n) ->
                stub.getUser(
                    GetUserRequest.newBuilder()
                        .setId(ids.get(ThreadLocalRandom.current().nextInt(ids.size())))
                        .build()));
    return new double[] {
      creates.calls.get() / (MEASURE.toMillis() / 2000.0),
      creates.p99Millis(),
      gets.calls.get() / (MEASURE.toMillis() / 1000.0),
      gets.p99Millis(),
      creates.failures.get() + gets.failures.get()
    };
  }

  private interface Call {
    void run(int thread, long n);
  }

  private static Stats load(int threads, Duration length, Call call) throws InterruptedException {
    Stats stats = new Stats();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    for (int t = 0; t < threads; t++) {
      int thread = t;
      pool.submit(
          () -> {
            long[] lat = new long[200_000];
            stats.perThread.add(lat);
            long n = 0;
            while (running.get()) {
              long start = System.nanoTime();
              try {
                call.run(thread, n);
              } catch (StatusRuntimeException e) {
                stats.failures.incrementAndGet();
              }
              if (n < lat.length) {
                lat[(int) n] = System.nanoTime() - start;
              }
              n++;
              stats.calls.incrementAndGet();
            }
          });
    }
    Thread.sleep(length.toMillis());
    running.set(false);
    pool.shutdown();
    pool.awaitTermination(30, TimeUnit.SECONDS);
    return stats;
  }

  /**
   * Two migrating instances under creates and gets while the phase goes all the way; returns failed
   * requests.
   */
  private static long migrate(Bench bench, String dbUrl, List<String[]> rows) throws Exception {
    String extra =
        """
        squadron.userdb.store = migrating
        squadron.stores.cassandra.keyspace = %s_switch
        squadron.service.store-migration.name = bench
        squadron.store-migration { instance-id = %s, backfill.rows-per-second = 5000 }
        """;
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(dbUrl);
    hikari.setMaximumPoolSize(1);
    try (HikariDataSource controlPool = new HikariDataSource(hikari);
        ServiceHarness a = bench.userdb(extra.formatted(bench.run(), "a"));
        ServiceHarness b = bench.userdb(extra.formatted(bench.run(), "b"))) {
      MigrationController controller =
          new MigrationController(
              JdbcControlStore.create(controlPool),
              "bench",
              Duration.ofSeconds(3),
              Clock.systemUTC());
      List<UserServiceGrpc.UserServiceBlockingStub> stubs =
          List.of(
              a.stub("checkout", UserServiceGrpc::newBlockingStub),
              b.stub("checkout", UserServiceGrpc::newBlockingStub));
      List<String> ids = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 200; i++) {
        ids.add(
            stubs
                .get(0)
                .createUser(
                    CreateUserRequest.newBuilder()
                        .setUsername("sw" + i)
                        .setEmail("s@example.com")
                        .setCountry("SE")
                        .build())
                .getUser()
                .getId());
      }
      AtomicBoolean done = new AtomicBoolean();
      Thread driver =
          new Thread(
              () -> {
                try {
                  for (Phase target :
                      List.of(
                          Phase.DUAL_WRITE_SOURCE_PRIMARY,
                          Phase.BACKFILL,
                          Phase.DUAL_WRITE_TARGET_PRIMARY,
                          Phase.TARGET_ONLY)) {
                    Thread.sleep(1000);
                    while (!controller.advance().changed()) {
                      Thread.sleep(100);
                    }
                    System.out.println("phase -> " + target.label("postgres", "cassandra"));
                  }
                  Thread.sleep(1000);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  done.set(true);
                }
              });
      long start = System.nanoTime();
      driver.start();
      Stats stats = new Stats();
      AtomicBoolean running = new AtomicBoolean(true);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        pool.submit(
            () -> {
              long[] lat = new long[200_000];
              stats.perThread.add(lat);
              long n = 0;
              while (running.get()) {
                UserServiceGrpc.UserServiceBlockingStub stub = stubs.get((int) (n % 2));
                long t0 = System.nanoTime();
                try {
                  if (n % 4 == 0) {
                    ids.add(
                        stub.createUser(
                                CreateUserRequest.newBuilder()
                                    .setUsername("sw" + thread + "x" + n)
                                    .setEmail("s@example.com")
                                    .setCountry("SE")
                                    .build())
                            .getUser()
                            .getId());
                  } else {
                    stub.getUser(
                        GetUserRequest.newBuilder()
                            .setId(ids.get(ThreadLocalRandom.current().nextInt(ids.size())))
                            .build());
                  }
                } catch (StatusRuntimeException e) {
                  stats.failures.incrementAndGet();
                }
                if (n < lat.length) {
                  lat[(int) n] = System.nanoTime() - t0;
                }
                n++;
                stats.calls.incrementAndGet();
              }
            });
      }
      driver.join(TimeUnit.MINUTES.toMillis(2));
      running.set(false);
      pool.shutdown();
      pool.awaitTermination(30, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!done.get() || controller.status().record().phase() != Phase.TARGET_ONLY) {
        System.out.println("migration did not reach CASSANDRA_ONLY");
        stats.failures.incrementAndGet();
      }
      rows.add(
          new String[] {
            "switch (mixed 1:3)",
            "-",
            "-",
            String.format(Locale.ROOT, "%.0f", stats.calls.get() / seconds),
            String.format(Locale.ROOT, "%.1f", stats.p99Millis()),
            String.valueOf(stats.failures.get())
          });
      return stats.failures.get();
    }
  }

  /**
   * Where the benchmark's userdb instances run: the shared Padlock and the run's own database and
   * keyspace.
   */
  private record Bench(int padlockPort, String dbUrl, String cassandra, String run) {
    ServiceHarness userdb(String hocon) {
      return ServiceHarness.forService("userdb")
          .calls("padlock", padlockPort)
          .postgres(dbUrl)
          .cassandra(cassandra, run)
          .config(
              "squadron.padlock-client.deadline = 5s\n"
                  + "squadron.rate-limits.default { rate = 1000000, burst = 1000000 }\n"
                  + hocon)
          .start();
    }
  }
}
