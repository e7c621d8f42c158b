package io.squadron.events.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.EventTopics;
import io.squadron.events.outbox.Outbox;
import io.squadron.events.relay.OutboxRelay;
import io.squadron.infra.kafka.KafkaLauncher;
import io.squadron.infra.kafka.KafkaServer;
import io.squadron.infra.postgres.PostgresLauncher;
import io.squadron.infra.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code ./squadron bench events-floor}: what this machine can carry at most, stage by stage, so
 * the end-to-end figure of {@code ./squadron bench events} can be read against it.
 *
 * <p>The same writers as that benchmark (4 threads, 1,000 accounts), closed loop, as fast as they
 * go, in three cumulative stages on one PostgreSQL and one broker: the state change alone (an
 * account row updated, committed), the state change with its event appended to the outbox in the
 * same transaction (nothing publishes it), and the same with one relay publishing the outbox to
 * Kafka (nothing consumes it). Each stage reports changes per second and the CPU the whole machine
 * spent per change (from {@code /proc/stat}: every process, the kernel's loopback TCP included).
 * The end-to-end pipeline adds a consumer group and its transactions on top of the last stage.
 *
 * <p>Options: {@code --seconds=15 --warmup=10 --writers=4 --accounts=1000}.
 */
public final class EventsFloorBenchmark {
  private static final String TOPIC = "floor.payments";

  private EventsFloorBenchmark() {}

  record Options(int seconds, int warmup, int writers, int accounts) {
    static Options parse(String[] args) {
      int seconds = 15;
      int warmup = 10;
      int writers = 4;
      int accounts = 1_000;
      for (String arg : args) {
        String[] kv = arg.replaceFirst("^--", "").split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("argument " + arg + " (expected: --name=value)");
        }
        int v = Integer.parseInt(kv[1]);
        if (v < (kv[0].equals("warmup") ? 0 : 1)) {
          throw new IllegalArgumentException("--" + kv[0] + ": " + v + " (out of range)");
        }
        switch (kv[0]) {
          case "seconds" -> seconds = v;
          case "warmup" -> warmup = v;
          case "writers" -> writers = v;
          case "accounts" -> accounts = v;
          default -> throw new IllegalArgumentException("unknown option --" + kv[0]);
        }
      }
      return new Options(seconds, warmup, writers, accounts);
    }
  }

  /** One stage's figures. */
  record Stage(String name, double changesPerSecond, double machineCpuMicrosPerChange) {}

  public static void main(String[] args) {
    try {
      Options o = Options.parse(args);
      List<Stage> stages = run(o);
      print(o, stages);
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
  }

  static List<Stage> run(Options o) throws Exception {
    List<Stage> stages = new ArrayList<>();
    try (PostgresServer pg = PostgresLauncher.builder().start();
        KafkaServer kafka = KafkaLauncher.builder().start();
        HikariDataSource pool = BenchChanges.pool(pg.jdbcUrl(), o.writers() + 4)) {
      BenchChanges.createAccounts(pool, o.accounts());
      try (Admin admin = Admin.create(kafka.clientProperties())) {
        EventTopics.ensure(admin, TOPIC, 8, (short) 1);
      }
      stages.add(measure("state change alone", o, pool, false));
      stages.add(measure("+ event appended to the outbox", o, pool, true));
      // The relay starts on an empty outbox (not on the last stage's rows), and deletes rows as it
      // publishes them: its cheapest mode, and the table stays small.
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute("TRUNCATE squadron_outbox");
      }
      try (OutboxRelay relay =
          OutboxRelay.builder(pool, kafka.bootstrapServers())
              .name("floor")
              .retention(Duration.ZERO)
              .build()
              .start()) {
        stages.add(measure("+ relay publishing to Kafka", o, pool, true));
      }
    }
    return stages;
  }

  private static Stage measure(String name, Options o, HikariDataSource pool, boolean withEvent)
      throws Exception {
    AtomicLong changes = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService threads = Executors.newFixedThreadPool(o.writers());
    List<Future<Void>> writers = new ArrayList<>();
    for (int w = 0; w < o.writers(); w++) {
      int index = w;
      writers.add(
          threads.submit(
              () -> {
                write(o, index, pool, withEvent, changes, running);
                return null;
              }));
    }
    try {
      TimeUnit.SECONDS.sleep(o.warmup());
      long cpu0 = machineCpuJiffies();
      long n0 = changes.get();
      long t0 = System.nanoTime();
      TimeUnit.SECONDS.sleep(o.seconds());
      long n1 = changes.get();
      long t1 = System.nanoTime();
      long cpu1 = machineCpuJiffies();
      double perSecond = (n1 - n0) / ((t1 - t0) / 1e9);
      double cpuMicros = (cpu1 - cpu0) * (1e6 / CLOCK_TICKS_PER_SECOND) / (double) (n1 - n0);
      System.out.printf(
          Locale.ROOT, "%-34s %10.0f changes/s %8.0f µs CPU/change%n", name, perSecond, cpuMicros);
      return new Stage(name, perSecond, cpuMicros);
    } finally {
      running.set(false);
      threads.shutdown();
      for (Future<Void> f : writers) {
        f.get(30, TimeUnit.SECONDS); // a writer's failure fails the benchmark
      }
    }
  }

  private static void write(
      Options o,
      int index,
      HikariDataSource pool,
      boolean withEvent,
      AtomicLong changes,
      AtomicBoolean running)
      throws SQLException {
    Outbox outbox = Outbox.forProducer("floor");
    int account = index;
    try (Connection tx = pool.getConnection();
        PreparedStatement bump = tx.prepareStatement(BenchChanges.BUMP)) {
      tx.setAutoCommit(false);
      while (running.get()) {
        String key = "acct-" + account;
        account += o.writers();
        if (account >= o.accounts()) {
          account = index;
        }
        long seq = BenchChanges.bump(bump, key);
        if (withEvent) {
          outbox.append(tx, BenchChanges.event(TOPIC, key, seq));
        }
        tx.commit();
        changes.incrementAndGet();
      }
    }
  }

  /** USER_HZ: the unit of /proc/stat on every Linux architecture Java runs on. */
  private static final double CLOCK_TICKS_PER_SECOND = 100;

  /** Busy time of all CPUs (every field of the "cpu" line but idle and iowait), in jiffies. */
  private static long machineCpuJiffies() throws IOException {
    String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < Math.min(f.length, 9); i++) {
      if (i != 4 && i != 5) {
        busy += Long.parseLong(f[i]);
      }
    }
    return busy;
  }

  private static void print(Options o, List<Stage> stages) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "events floor: %d writers, %d accounts, closed loop; %d s warm-up, %d s measured per"
            + " stage; %d cores%n%n",
        o.writers(),
        o.accounts(),
        o.warmup(),
        o.seconds(),
        Runtime.getRuntime().availableProcessors());
    String row = "%-34s %14s %20s%n";
    System.out.printf(row, "stage", "changes/s", "machine CPU µs/change");
    for (Stage s : stages) {
      System.out.printf(
          Locale.ROOT,
          "%-34s %14.0f %20.0f%n",
          s.name(),
          s.changesPerSecond(),
          s.machineCpuMicrosPerChange());
    }
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "BENCH events-floor state_changes_per_s=%.0f with_outbox_per_s=%.0f with_relay_per_s=%.0f"
            + " cpu_us_per_change=%.0f cpu_us_with_relay=%.0f%n",
        stages.get(0).changesPerSecond(),
        stages.get(1).changesPerSecond(),
        stages.get(2).changesPerSecond(),
        stages.get(0).machineCpuMicrosPerChange(),
        stages.get(2).machineCpuMicrosPerChange());
  }
}
