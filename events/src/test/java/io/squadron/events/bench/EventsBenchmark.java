package io.squadron.events.bench;

import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.EventTopics;
import io.squadron.events.consumer.BatchEventHandler;
import io.squadron.events.consumer.EventConsumer;
import io.squadron.events.consumer.EventHandler;
import io.squadron.events.consumer.ReceivedEvent;
import io.squadron.events.outbox.Outbox;
import io.squadron.events.relay.OutboxRelay;
import io.squadron.infra.kafka.KafkaLauncher;
import io.squadron.infra.kafka.KafkaServer;
import io.squadron.infra.postgres.PostgresLauncher;
import io.squadron.infra.postgres.PostgresServer;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code ./squadron bench events}: state changes with their events through outbox -> relay -> Kafka
 * -> consumer, for a bounded time, with the broker restarted once in the middle; then every event
 * is checked to have been applied exactly once.
 *
 * <p>Writers (open loop at {@code --rate} changes per second in all) each update an account row and
 * append a {@code PaymentSucceeded} event in one PostgreSQL transaction. One relay publishes the
 * outbox; a consumer group applies each event by inserting a row into {@code bench_applied} in its
 * own transaction (the handler's state change). After the writers stop, the pipeline drains. Then,
 * in SQL: lost = committed changes (each account's seq counts them) without an applied row;
 * duplicates_applied = applied rows beyond the first per event; order = per account, sequence
 * numbers applied in increasing order; end-to-end latency = applied_at (consumer's insert) -
 * occurred_at (the writer's append).
 *
 * <p>Options: {@code --seconds=60 --warmup=45 --rate=6000 --writers=4 --accounts=1000
 * --partitions=8 --consumers=3 --restart=stop|kill|none --group-protocol=consumer|classic
 * --outbox=delete|mark --changes-per-tx=1 --handler=batch|single}: {@code --outbox=mark} keeps
 * published rows (the relay's default retention) instead of deleting them; more than one change per
 * transaction models a service that applies a batch (each change still has its own event).
 * PostgreSQL and Kafka are started here (the benchmark restarts the broker).
 */
public final class EventsBenchmark {
  private static final String TOPIC = "bench.payments";

  private EventsBenchmark() {}

  record Options(
      int seconds,
      int warmup,
      int rate,
      int writers,
      int accounts,
      int partitions,
      int consumers,
      boolean kill,
      boolean restart,
      String groupProtocol,
      int changesPerTx,
      boolean deleteSent,
      boolean batchHandler) {
    static Options parse(String[] args) {
      int seconds = 60;
      int warmup = 45;
      int rate = 6_000;
      int writers = 4;
      int accounts = 1_000;
      int partitions = 8;
      int consumers = 3;
      boolean kill = false;
      boolean restart = true;
      String groupProtocol = "consumer";
      int changesPerTx = 1;
      boolean deleteSent = false;
      boolean batchHandler = true;
      for (String arg : args) {
        String[] kv = arg.replaceFirst("^--", "").split("=", 2);
        if (kv.length != 2) {
          throw new IllegalArgumentException("argument " + arg + " (expected: --name=value)");
        }
        switch (kv[0]) {
          case "seconds" -> seconds = positive(kv);
          case "warmup" -> warmup = Integer.parseInt(kv[1]);
          case "group-protocol" -> groupProtocol = kv[1];
          case "changes-per-tx" -> changesPerTx = positive(kv);
          case "outbox" -> {
            if (!kv[1].equals("delete") && !kv[1].equals("mark")) {
              throw new IllegalArgumentException(
                  "--outbox: " + kv[1] + " (expected: delete or mark)");
            }
            deleteSent = kv[1].equals("delete");
          }
          case "handler" -> {
            if (!kv[1].equals("batch") && !kv[1].equals("single")) {
              throw new IllegalArgumentException(
                  "--handler: " + kv[1] + " (expected: batch or single)");
            }
            batchHandler = kv[1].equals("batch");
          }
          case "rate" -> rate = positive(kv);
          case "writers" -> writers = positive(kv);
          case "accounts" -> accounts = positive(kv);
          case "partitions" -> partitions = positive(kv);
          case "consumers" -> consumers = positive(kv);
          case "restart" -> {
            if (!kv[1].equals("stop") && !kv[1].equals("kill") && !kv[1].equals("none")) {
              throw new IllegalArgumentException(
                  "--restart: " + kv[1] + " (expected: stop, kill or none)");
            }
            kill = kv[1].equals("kill");
            restart = !kv[1].equals("none");
          }
          default -> throw new IllegalArgumentException("unknown option --" + kv[0]);
        }
      }
      if (seconds < 10) {
        throw new IllegalArgumentException("--seconds: " + seconds + " (expected: >= 10)");
      }
      if (warmup < 0) {
        throw new IllegalArgumentException("--warmup: " + warmup + " (expected: >= 0)");
      }
      return new Options(
          seconds,
          warmup,
          rate,
          writers,
          accounts,
          partitions,
          consumers,
          kill,
          restart,
          groupProtocol,
          changesPerTx,
          deleteSent,
          batchHandler);
    }

    private static int positive(String[] kv) {
      int v = Integer.parseInt(kv[1]);
      if (v < 1) {
        throw new IllegalArgumentException("--" + kv[0] + ": " + v + " (expected: >= 1)");
      }
      return v;
    }
  }

  public static void main(String[] args) {
    try {
      Options options = Options.parse(args);
      Result result = run(options);
      result.print(options);
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
  }

  /** Per 5-second slice: changes written, events applied, outbox backlog at its end. */
  record Slice(int second, long written, long applied, long backlog) {}

  record Result(
      long produced,
      long applied,
      long lost,
      long duplicatesApplied,
      long outOfOrder,
      double seconds,
      double eventsPerSecond,
      double writeRate,
      double p50Ms,
      double p99Ms,
      double steadyP50Ms,
      double steadyP99Ms,
      double maxMs,
      double restartSeconds,
      long consumerDuplicatesSkipped,
      long relayFailures,
      List<Slice> slices,
      double drainSeconds) {
    void print(Options o) {
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "events benchmark: %d s of writes at %d changes/s target, %d writers, %d accounts,"
              + " %d change(s) per transaction, %d partitions, 1 relay (outbox rows %s), %d consumer"
              + " threads (group protocol %s, %s handler), broker %s"
              + " at %d s%n",
          o.seconds(),
          o.rate(),
          o.writers(),
          o.accounts(),
          o.changesPerTx(),
          o.partitions(),
          o.deleteSent() ? "deleted when published" : "marked sent",
          o.consumers(),
          o.groupProtocol(),
          o.batchHandler() ? "batch" : "per-event",
          !o.restart()
              ? "not restarted"
              : o.kill() ? "killed (SIGKILL) and restarted" : "stopped and restarted",
          o.seconds() / 2);
      System.out.println();
      System.out.printf(
          "%8s %14s %14s %14s%n", "second", "written/s", "applied/s", "outbox backlog");
      for (Slice s : slices) {
        System.out.printf(
            Locale.ROOT,
            "%8d %14.0f %14.0f %14d%n",
            s.second(),
            s.written() / 5.0,
            s.applied() / 5.0,
            s.backlog());
      }
      System.out.println();
      String row = "%-44s %14s%n";
      System.out.printf(row, "metric", "value");
      System.out.printf(row, "state changes (events) written", produced);
      System.out.printf(
          row, "write rate achieved (changes/s)", String.format(Locale.ROOT, "%.0f", writeRate));
      System.out.printf(row, "events applied (distinct)", applied);
      System.out.printf(
          row,
          "end to end events/s (first write..last apply)",
          String.format(Locale.ROOT, "%.0f", eventsPerSecond));
      System.out.printf(
          row, "drain after writes stopped (s)", String.format(Locale.ROOT, "%.1f", drainSeconds));
      System.out.printf(row, "lost", lost);
      System.out.printf(row, "duplicates applied", duplicatesApplied);
      System.out.printf(row, "duplicates delivered and skipped", consumerDuplicatesSkipped);
      System.out.printf(row, "applied out of order (per account)", outOfOrder);
      System.out.printf(
          row,
          "broker restart (s, until ready)",
          String.format(Locale.ROOT, "%.1f", restartSeconds));
      System.out.printf(row, "relay rounds failed (retried)", relayFailures);
      System.out.printf(
          row,
          "e2e latency p50 / p99 / max (ms), all",
          String.format(Locale.ROOT, "%.0f / %.0f / %.0f", p50Ms, p99Ms, maxMs));
      System.out.printf(
          row,
          "e2e latency p50 / p99 (ms), outside restart",
          String.format(Locale.ROOT, "%.0f / %.0f", steadyP50Ms, steadyP99Ms));
      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "BENCH events events_per_s=%.0f e2e_p99_ms=%.0f lost=%d duplicates_applied=%d%n",
          eventsPerSecond,
          p99Ms,
          lost,
          duplicatesApplied);
    }
  }

  static Result run(Options o) throws Exception {
    try (PostgresServer pg = PostgresLauncher.builder().start();
        KafkaServer kafka = KafkaLauncher.builder().start();
        HikariDataSource pool = BenchChanges.pool(pg.jdbcUrl(), o.writers() + o.consumers() + 4)) {
      schema(pool, o.accounts());
      try (Admin admin = Admin.create(kafka.clientProperties())) {
        EventTopics.ensure(admin, TOPIC, o.partitions(), (short) 1);
      }
      return measure(o, pool, kafka);
    }
  }

  private static void schema(HikariDataSource pool, int accounts) throws SQLException {
    BenchChanges.createAccounts(pool, accounts);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      // No unique constraint: an event applied twice shows up twice.
      s.execute(
          "CREATE TABLE bench_applied (event_id UUID NOT NULL, account TEXT NOT NULL, seq BIGINT NOT NULL,"
              + " occurred_at TIMESTAMPTZ NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),"
              + " applied_order BIGINT GENERATED ALWAYS AS IDENTITY)");
    }
  }

  private static Result measure(Options o, HikariDataSource pool, KafkaServer kafka)
      throws Exception {
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    EventHandler<PaymentSucceeded> apply =
        (event, tx) -> {
          try (PreparedStatement s =
              tx.prepareStatement(
                  "INSERT INTO bench_applied (event_id, account, seq, occurred_at) VALUES (?, ?, ?, ?)")) {
            s.setObject(1, event.eventId());
            s.setString(2, event.key());
            s.setLong(3, event.payload().getAmount().getMinorUnits());
            s.setTimestamp(4, Timestamp.from(event.occurredAt()));
            s.executeUpdate();
          }
        };
    // The same rows, one statement per call: the batch's events in their order (applied_order).
    BatchEventHandler<PaymentSucceeded> applyAll =
        (events, tx) -> {
          int n = events.size();
          Object[] ids = new Object[n];
          String[] accounts = new String[n];
          Long[] seqs = new Long[n];
          Long[] occurredMicros = new Long[n];
          for (int i = 0; i < n; i++) {
            ReceivedEvent<PaymentSucceeded> e = events.get(i);
            ids[i] = e.eventId();
            accounts[i] = e.key();
            seqs[i] = e.payload().getAmount().getMinorUnits();
            occurredMicros[i] = ChronoUnit.MICROS.between(Instant.EPOCH, e.occurredAt());
          }
          try (PreparedStatement s =
              tx.prepareStatement(
                  "INSERT INTO bench_applied (event_id, account, seq, occurred_at)"
                      + " SELECT e, a, q, 'epoch'::timestamptz + m * interval '1 microsecond'"
                      + " FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::bigint[])"
                      + " WITH ORDINALITY AS x(e, a, q, m, i) ORDER BY i")) {
            s.setArray(1, tx.createArrayOf("uuid", ids));
            s.setArray(2, tx.createArrayOf("text", accounts));
            s.setArray(3, tx.createArrayOf("int8", seqs));
            s.setArray(4, tx.createArrayOf("int8", occurredMicros));
            s.executeUpdate();
          }
        };
    EventConsumer.Builder consumerBuilder =
        EventConsumer.builder("bench", pool, kafka.bootstrapServers())
            .topic(TOPIC)
            .concurrency(o.consumers())
            .meterRegistry(registry)
            .kafkaProperty("group.protocol", o.groupProtocol());
    if (o.batchHandler()) {
      consumerBuilder.onBatch(PaymentSucceeded.class, applyAll);
    } else {
      consumerBuilder.on(PaymentSucceeded.class, apply);
    }
    AtomicLong written = new AtomicLong();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService writers = Executors.newFixedThreadPool(o.writers());
    List<Slice> slices = new ArrayList<>();
    double restartSeconds;
    long startNanos;
    long writesEnded;
    long drained;
    try (OutboxRelay relay =
            OutboxRelay.builder(pool, kafka.bootstrapServers())
                .name("bench")
                .meterRegistry(registry)
                // Rows marked sent and kept for the default retention (--outbox=mark, the relay's
                // default) or deleted as they are published (--outbox=delete).
                .retention(o.deleteSent() ? Duration.ZERO : OutboxRelay.DEFAULT_RETENTION)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .build()
                .start();
        EventConsumer consumer = consumerBuilder.build().start()) {
      startNanos = System.nanoTime();
      long measureNanos = startNanos + TimeUnit.SECONDS.toNanos(o.warmup());
      long endNanos = measureNanos + TimeUnit.SECONDS.toNanos(o.seconds());
      CompletableFuture<Instant> measureStart =
          CompletableFuture.supplyAsync(
              () -> {
                LockSupport.parkNanos(measureNanos - System.nanoTime());
                return Instant.now();
              });
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < o.writers(); w++) {
        running.add(writers.submit(writer(o, w, pool, written, writing, startNanos)));
      }
      // The restart runs on its own thread, so the timeline below keeps sampling through it.
      CompletableFuture<Double> restart =
          CompletableFuture.supplyAsync(
              () -> {
                if (!o.restart()) {
                  return 0.0;
                }
                LockSupport.parkNanos(
                    measureNanos + TimeUnit.SECONDS.toNanos(o.seconds() / 2) - System.nanoTime());
                long t0 = System.nanoTime();
                if (o.kill()) {
                  kafka.kill();
                } else {
                  kafka.stop();
                }
                kafka.restart();
                return (System.nanoTime() - t0) / 1e9;
              });
      long lastWritten = 0;
      long lastApplied = 0;
      int second = 0;
      while (System.nanoTime() < endNanos) {
        LockSupport.parkNanos(
            startNanos + TimeUnit.SECONDS.toNanos(second + 5) - System.nanoTime());
        second += 5;
        long w = written.get();
        long a = consumer.stats().applied();
        slices.add(new Slice(second - o.warmup(), w - lastWritten, a - lastApplied, backlog(pool)));
        lastWritten = w;
        lastApplied = a;
      }
      writing.set(false);
      for (Future<?> f : running) {
        f.get(60, TimeUnit.SECONDS);
      }
      writesEnded = System.nanoTime();
      long produced = written.get();
      restartSeconds = restart.get(300, TimeUnit.SECONDS);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
      while (consumer.stats().applied() < produced && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
      }
      drained = System.nanoTime();
      LockSupport.parkNanos(
          TimeUnit.SECONDS.toNanos(1)); // let a late duplicate arrive before counting
      EventConsumer.Stats stats = consumer.stats();
      long relayFailures = (long) registry.get("squadron.events.relay.failures").counter().count();
      return verify(
          pool,
          o,
          measureStart.get(),
          produced,
          writesEnded,
          drained,
          restartSeconds,
          stats,
          relayFailures,
          slices);
    } finally {
      writers.shutdownNow();
    }
  }

  /**
   * A writer: open loop at its share of the rate, over its own accounts (so no two writers lock one
   * row).
   */
  private static java.util.concurrent.Callable<Void> writer(
      Options o,
      int index,
      HikariDataSource pool,
      AtomicLong written,
      AtomicBoolean writing,
      long startNanos) {
    Outbox outbox = Outbox.forProducer("bench");
    long interval = TimeUnit.SECONDS.toNanos(1) * o.writers() / o.rate();
    return () -> {
      long next = startNanos + interval * index / o.writers();
      int account = index;
      try (Connection tx = pool.getConnection();
          PreparedStatement bump = tx.prepareStatement(BenchChanges.BUMP)) {
        tx.setAutoCommit(false);
        while (writing.get()) {
          long wait = next - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          next += interval * o.changesPerTx();
          for (int change = 0; change < o.changesPerTx(); change++) {
            String key = "acct-" + account;
            account += o.writers();
            if (account >= o.accounts()) {
              account = index;
            }
            outbox.append(tx, BenchChanges.event(TOPIC, key, BenchChanges.bump(bump, key)));
          }
          tx.commit();
          written.addAndGet(o.changesPerTx());
        }
      }
      return null;
    };
  }

  private static long backlog(HikariDataSource pool) throws SQLException {
    // Deleted rows are gone, marked rows have sent_at: either way the backlog is the unsent rows.
    return queryLong(pool, "SELECT count(*) FROM squadron_outbox WHERE sent_at IS NULL");
  }

  private static long queryLong(HikariDataSource pool, String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Result verify(
      HikariDataSource pool,
      Options o,
      Instant measureStart,
      long produced,
      long writesEnded,
      long drained,
      double restartSeconds,
      EventConsumer.Stats stats,
      long relayFailures,
      List<Slice> slices)
      throws SQLException {
    // The state changes are the truth (the outbox may have deleted its rows once published): each
    // account's seq counts its committed changes, one event each, numbered 1..seq.
    long committed = queryLong(pool, "SELECT coalesce(sum(seq), 0) FROM bench_account");
    if (committed != produced) {
      throw new IllegalStateException(
          "accounts count " + committed + " changes, writers committed " + produced);
    }
    long unsent = backlog(pool);
    if (unsent != 0) {
      throw new IllegalStateException(unsent + " outbox rows still unsent after the drain");
    }
    long lost =
        committed
            - queryLong(
                pool,
                "SELECT count(*) FROM (SELECT DISTINCT a.account, a.seq FROM bench_applied a"
                    + " JOIN bench_account b ON b.account = a.account AND a.seq BETWEEN 1 AND b.seq) x");
    long duplicates =
        queryLong(
            pool,
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) n FROM bench_applied"
                + " GROUP BY event_id) x");
    long distinct = queryLong(pool, "SELECT count(DISTINCT event_id) FROM bench_applied");
    // Throughput and latency over the measured window: events that occurred after the warm-up.
    String window = " WHERE occurred_at >= " + toTimestamp(measureStart);
    long measured = queryLong(pool, "SELECT count(DISTINCT event_id) FROM bench_applied" + window);
    long outOfOrder =
        queryLong(
            pool,
            "SELECT count(*) FROM (SELECT seq, lag(seq) OVER (PARTITION BY account"
                + " ORDER BY applied_order) AS prev FROM bench_applied) x WHERE prev IS NOT NULL AND seq <= prev");
    double span =
        queryDouble(
            pool,
            "SELECT extract(epoch FROM max(applied_at) - min(occurred_at)) FROM bench_applied"
                + window);
    double[] all = latencies(pool, window);
    // Outside the restart: events that occurred before it began, or 10 s after the broker was back.
    String restartFrom = toTimestamp(measureStart.plusSeconds(o.seconds() / 2 - 1));
    String restartTo =
        toTimestamp(
            measureStart.plusMillis((long) ((o.seconds() / 2 + restartSeconds + 10) * 1000)));
    double[] steady =
        latencies(
            pool,
            window + " AND (occurred_at < " + restartFrom + " OR occurred_at > " + restartTo + ")");
    return new Result(
        produced,
        distinct,
        lost,
        duplicates,
        outOfOrder,
        span,
        measured / span,
        measured / (double) o.seconds(),
        all[0],
        all[1],
        steady[0],
        steady[1],
        all[2],
        restartSeconds,
        stats.duplicates(),
        relayFailures,
        slices,
        (drained - writesEnded) / 1e9);
  }

  /** An SQL timestamptz literal for {@code instant}. */
  private static String toTimestamp(Instant instant) {
    return String.format(
        Locale.ROOT, "to_timestamp(%d.%06d)", instant.getEpochSecond(), instant.getNano() / 1000);
  }

  /**
   * p50, p99 and max of applied_at - occurred_at in ms, over the first application of each event.
   */
  private static double[] latencies(HikariDataSource pool, String where) throws SQLException {
    String sql =
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), percentile_cont(0.99) WITHIN GROUP"
            + " (ORDER BY ms), max(ms) FROM (SELECT DISTINCT ON (event_id) extract(epoch FROM applied_at - occurred_at)"
            + " * 1000 AS ms FROM bench_applied"
            + where
            + " ORDER BY event_id, applied_order) x";
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3)};
    }
  }

  private static double queryDouble(HikariDataSource pool, String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getDouble(1);
    }
  }
}
