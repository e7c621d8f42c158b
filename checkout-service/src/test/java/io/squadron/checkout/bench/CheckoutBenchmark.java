package io.squadron.checkout.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.infra.LocalInfra;
import io.squadron.proto.checkout.v1.CheckoutServiceGrpc;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.CreateCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.PaymentMethodOption;
import io.squadron.proto.checkout.v1.SessionState;
import io.squadron.proto.checkout.v1.SubmitStepRequest;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.store.postgres.PostgresDatabases;
import io.squadron.testkit.service.ServiceHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Concurrent checkout sessions, create -> address form -> card -> done, through checkout, billing
 * (its PostgreSQL and Kafka, Padlock on Cassandra and memcached) and the provider simulator, every
 * session racing for the last uses of one offer code. Afterwards the stores are asked: uses
 * redeemed beyond the code's limit ({@code overredeemed}) and sessions charged more than once at
 * billing ({@code double_charges}). Each worker is a new user with Padlock keys; the card is
 * tokenized once per worker at each acquirer billing names.
 *
 * <p>Bounded in time and count, so it finishes on a loaded machine: no session starts after {@code
 * seconds} or beyond {@code max sessions}; every call has a deadline of at most {@link
 * #CALL_DEADLINE}; a session still unfinished {@link #DRAIN} after the end is abandoned (counted as
 * {@code unfinished}, its worker left behind as a daemon); a poll step waits the time billing asks
 * for (capped) instead of spinning.
 *
 * <p>Two phases: a closed loop ({@code workers} threads, each running one session after another)
 * finds the maximum rate; then an open loop starts sessions at a fixed rate, {@link #OPEN_FRACTION}
 * of that maximum, and times each session's first step from its scheduled start (no coordinated
 * omission). The table gives p50/p99 per step (create, address, pay, poll) per phase; the BENCH
 * line's {@code p99_step_ms} is the open loop's.
 *
 * <p>Arguments: {@code [workers, default 16] [closed-loop seconds, default 20] [offer code uses,
 * default 200] [max sessions, default 5000] [open-loop seconds, default 20]}. Ends with {@code
 * BENCH checkout sessions_per_s=... p99_step_ms=... overredeemed=... double_charges=...
 * max_sessions_per_s=...}.
 */
public final class CheckoutBenchmark {
  private static final String CODE = "BENCHLIM";
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
  private static final Duration DRAIN = Duration.ofSeconds(30);
  private static final int MAX_POLLS = 10;
  private static final double OPEN_FRACTION = 0.5;

  private final CheckoutServiceGrpc.CheckoutServiceBlockingStub checkout;
  private final PadlockServiceGrpc.PadlockServiceBlockingStub padlock;
  private final String sim;
  private final Map<String, String> apiKeys = new HashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final AtomicLong withOffer = new AtomicLong();
  private final AtomicLong started = new AtomicLong();
  private long maxSessions;

  private CheckoutBenchmark(
      CheckoutServiceGrpc.CheckoutServiceBlockingStub checkout,
      PadlockServiceGrpc.PadlockServiceBlockingStub padlock,
      String sim)
      throws Exception {
    this.checkout = checkout;
    this.padlock = padlock;
    this.sim = sim;
    JsonObject credentials =
        JsonParser.parseString(send("GET", sim + "/_control/credentials", null, null))
            .getAsJsonObject();
    credentials
        .keySet()
        .forEach(p -> apiKeys.put(p, credentials.getAsJsonObject(p).get("api_key").getAsString()));
  }

  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(String[] args) throws Exception {
    int workers = args.length > 0 ? Integer.parseInt(args[0]) : 16;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int uses = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    long maxSessions = args.length > 3 ? Long.parseLong(args[3]) : 5000;
    int openSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    String run = "bench_checkout_" + Long.toHexString(System.nanoTime() & 0xffffff);
    try (LocalInfra infra =
        LocalInfra.builder()
            .fromEnvironment(System.getenv())
            .postgres(true)
            .cassandra(true)
            .memcached(true)
            .kafka(true)
            .providersSim(true)
            .build()
            .start()) {
      Map<String, String> env = infra.environment();
      String billingDb =
          PostgresDatabases.ensure(env.get(LocalInfra.POSTGRES_URL_ENV), run + "_billing");
      String checkoutDb =
          PostgresDatabases.ensure(env.get(LocalInfra.POSTGRES_URL_ENV), run + "_checkout");
      String simUrl = env.get(LocalInfra.PROVIDERS_SIM_ENV);
      try (ServiceHarness padlock =
              ServiceHarness.forService("padlock")
                  .cassandra(env.get(LocalInfra.CASSANDRA_ENV), run + "_padlock")
                  .memcached(env.get(LocalInfra.MEMCACHED_ENV), run + ":")
                  .start();
          ServiceHarness billing =
              ServiceHarness.forService("billing")
                  .calls("padlock", padlock.port())
                  .postgres(billingDb)
                  .kafka(env.get(LocalInfra.KAFKA_ENV), "")
                  .providersSim(simUrl)
                  .config(
                      """
                  squadron.billing.routing.exploration = 0
                  squadron.stores.postgres.pool-size = 32
                  squadron.padlock-client.deadline = 5s
                  """)
                  .clientDeadline(Duration.ofSeconds(30))
                  .start();
          ServiceHarness checkout =
              ServiceHarness.forService("checkout")
                  .calls("billing", billing.port())
                  .postgres(checkoutDb)
                  .kafka(env.get(LocalInfra.KAFKA_ENV), "")
                  .appToken("bench")
                  .config(
                      """
                  squadron.checkout.offers.%s { percent-off = 20, max-redemptions = %d,
                    expires-at = "2030-01-01T00:00:00Z" }
                  squadron.stores.postgres.pool-size = 32
                  """
                          .formatted(CODE, uses))
                  .clientDeadline(Duration.ofSeconds(30))
                  .start()) {
        CheckoutBenchmark bench =
            new CheckoutBenchmark(
                checkout.appStub("bench", CheckoutServiceGrpc::newBlockingStub),
                padlock.stub("userdb", PadlockServiceGrpc::newBlockingStub),
                simUrl);
        bench.maxSessions = maxSessions;
        bench.execute(workers, seconds, openSeconds, uses, checkoutDb, billingDb);
      }
    }
  }

  private void execute(
      int workers, int seconds, int openSeconds, int uses, String checkoutDb, String billingDb)
      throws Exception {
    System.out.printf(
        "checkout benchmark: closed loop, %d workers for %d s; open loop at %.0f%% of its maximum for"
            + " %d s; sessions race for %d uses of %s%n",
        workers, seconds, OPEN_FRACTION * 100, openSeconds, uses, CODE);
    Phase closed = closedLoop(workers, seconds);
    double max = closed.completed.get() / closed.seconds;
    Phase open = openLoop(max * OPEN_FRACTION, openSeconds);

    long redeemed =
        scalar(
            checkoutDb,
            "SELECT count(*) FROM offer_redemptions WHERE code = '"
                + CODE
                + "'"
                + " AND state = 'REDEEMED'");
    long overredeemed = Math.max(0, redeemed - uses);
    long doubleCharges =
        scalar(
            billingDb,
            "SELECT count(*) FROM (SELECT reference FROM payments"
                + " WHERE captured > 0 GROUP BY reference HAVING count(*) > 1) twice");
    System.out.printf(
        "%-34s %9s %9s %7s %7s %10s %7s %9s %9s%n",
        "phase", "rate/s", "completed", "failed", "unfin.", "step", "steps", "p50 ms", "p99 ms");
    for (Phase phase : List.of(closed, open)) {
      phase.print();
    }
    long sessions = closed.completed.get() + open.completed.get();
    for (String db : List.of(checkoutDb, billingDb)) {
      databaseWork(db, sessions);
    }
    System.out.printf("%-22s %10s%n", "with the offer code", withOffer.get());
    System.out.printf("%-22s %10s%n", "offer uses redeemed", redeemed);
    System.out.println(
        "BENCH line: sessions_per_s, p99_step_ms and p50_step_ms are the open loop's (latency from each"
            + " session's scheduled start), max_sessions_per_s the closed loop's; failed and unfinished"
            + " count both phases");
    long[] openAll = open.all();
    System.out.printf(
        "BENCH checkout sessions_per_s=%.1f p99_step_ms=%.1f p50_step_ms=%.1f overredeemed=%d"
            + " double_charges=%d failed=%d unfinished=%d workers=%d max_sessions_per_s=%.1f"
            + " closed_p99_step_ms=%.1f%n",
        open.completed.get() / open.seconds,
        quantileMs(openAll, 0.99),
        quantileMs(openAll, 0.5),
        overredeemed,
        doubleCharges,
        closed.failed.get() + open.failed.get(),
        closed.unfinished + open.unfinished,
        workers,
        max,
        quantileMs(closed.all(), 0.99));
  }

  /** {@code workers} threads each running one session after another: the maximum rate. */
  private Phase closedLoop(int workers, int seconds) throws InterruptedException {
    Phase phase = new Phase("closed loop, " + workers + " workers");
    long start = System.nanoTime();
    long end = start + Duration.ofSeconds(seconds).toNanos();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      Thread t =
          new Thread(
              () -> {
                Map<String, String> tokens = new HashMap<>();
                while (System.nanoTime() < end && started.incrementAndGet() <= maxSessions) {
                  try {
                    String user = newUser();
                    session(phase, user, System.nanoTime(), tokens);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                  } catch (RuntimeException e) {
                    phase.fail(e);
                  }
                }
              },
              "bench-worker-" + i);
      t.setDaemon(true); // a worker stuck past the drain is abandoned, not waited for
      t.start();
      threads.add(t);
    }
    long drainEnd = end + DRAIN.toNanos();
    for (Thread t : threads) {
      long left = drainEnd - System.nanoTime();
      if (left > 0) {
        t.join(Math.max(1, left / 1_000_000));
      }
    }
    phase.unfinished = threads.stream().filter(Thread::isAlive).count();
    phase.seconds = (Math.min(System.nanoTime(), drainEnd) - start) / 1e9;
    return phase;
  }

  /**
   * Sessions started at a fixed rate whatever the answers do: session {@code i} is due at {@code
   * start + i * interval}, and its first step's latency counts from then, so a service falling
   * behind shows in the latencies instead of slowing the load (no coordinated omission). Its users
   * (with their Padlock keys: a sign-up, not checkout's work) are made before the phase.
   */
  private Phase openLoop(double sessionsPerSecond, int seconds) throws Exception {
    Phase phase = new Phase(String.format("open loop, %.1f sessions/s", sessionsPerSecond));
    long interval = (long) (1e9 / Math.max(0.1, sessionsPerSecond));
    int count =
        (int)
            Math.max(
                1,
                Math.min(
                    maxSessions - Math.min(maxSessions, started.get()),
                    TimeUnit.SECONDS.toNanos(seconds) / interval));
    List<String> users = new ArrayList<>();
    ExecutorService signUps = Executors.newFixedThreadPool(8, daemon("bench-signup"));
    try {
      List<Future<String>> made = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        made.add(signUps.submit(this::newUser));
      }
      for (Future<String> f : made) {
        users.add(f.get(CALL_DEADLINE.toSeconds() * 2, TimeUnit.SECONDS));
      }
    } finally {
      signUps.shutdownNow();
    }
    Map<String, String> tokens = new ConcurrentHashMap<>();
    ExecutorService sessions = Executors.newCachedThreadPool(daemon("bench-session"));
    CountDownLatch finished = new CountDownLatch(count);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    for (int i = 0; i < count; i++) {
      long due = start + i * interval;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      String user = users.get(i);
      sessions.execute(
          () -> {
            try {
              session(phase, user, due, tokens);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
              phase.fail(e);
            } finally {
              finished.countDown();
            }
          });
    }
    long scheduleEnd = start + count * interval;
    finished.await(
        Math.max(1, scheduleEnd + DRAIN.toNanos() - System.nanoTime()), TimeUnit.NANOSECONDS);
    sessions.shutdownNow();
    phase.unfinished = finished.getCount();
    phase.seconds = count * interval / 1e9; // the schedule's length
    return phase;
  }

  private static ThreadFactory daemon(String name) {
    AtomicLong n = new AtomicLong();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** A new user with Padlock keys (billing encrypts the payment method with them). */
  private String newUser() {
    String user = "bench-" + UUID.randomUUID();
    padlock
        .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
        .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build());
    return user;
  }

  /**
   * One session, create -> address -> card -> (polls) -> done; its steps' latencies go to {@code
   * phase} when it completes. The create's latency counts from {@code due}.
   */
  private void session(Phase phase, String user, long due, Map<String, String> tokens)
      throws InterruptedException {
    Map<String, Long> steps = new LinkedHashMap<>();
    List<Long> polls = new ArrayList<>();
    CreateCheckoutSessionRequest.Builder create =
        CreateCheckoutSessionRequest.newBuilder()
            .setUserId(user)
            .setPlanId("individual")
            .setCountry("DE")
            .setDevice(Device.WEB)
            .setOfferCode(CODE)
            .setRequestId(UUID.randomUUID().toString());
    CheckoutSession s;
    try {
      s = checkout().createCheckoutSession(create.build());
      withOffer.incrementAndGet();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION) {
        throw e;
      }
      // Uses taken: the same checkout without the code (a new request: other values).
      s =
          checkout()
              .createCheckoutSession(
                  create.clearOfferCode().setRequestId(UUID.randomUUID().toString()).build());
    }
    steps.put("create", System.nanoTime() - due);
    s = timed(steps, "address", s, Map.of("postal_code", "10115"));
    PaymentMethodOption card =
        s.getNextStep().getPaymentMethods().getMethodsList().stream()
            .filter(m -> m.getMethod().equals("CARD"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no card offered"));
    Map<String, String> values = new HashMap<>();
    values.put("method", "CARD");
    for (String field : card.getFieldsList()) {
      String provider = field.substring("card_token.".length());
      values.put(field, tokens.computeIfAbsent(provider, this::tokenize));
    }
    s = timed(steps, "pay", s, values);
    for (int n = 0; s.getState() == SessionState.OPEN && n < MAX_POLLS; n++) {
      if (s.getNextStep().hasPaymentAction()) {
        // Billing asked to poll later: wait as a client would (capped), not spin.
        Thread.sleep(
            Math.min(1000, 1000L * s.getNextStep().getPaymentAction().getPollAfterSeconds()));
      }
      Map<String, Long> poll = new HashMap<>();
      s = timed(poll, "poll", s, Map.of());
      polls.add(poll.get("poll"));
    }
    if (s.getState() != SessionState.COMPLETED) {
      throw new IllegalStateException("session ended " + s.getState() + " at " + s.getNextStep());
    }
    steps.forEach(phase::record);
    polls.forEach(t -> phase.record("poll", t));
    phase.completed.incrementAndGet();
  }

  private CheckoutSession timed(
      Map<String, Long> steps, String name, CheckoutSession s, Map<String, String> values) {
    long t0 = System.nanoTime();
    CheckoutSession next =
        checkout()
            .submitStep(
                SubmitStepRequest.newBuilder()
                    .setSessionId(s.getSessionId())
                    .setStepId(s.getNextStep().getStepId())
                    .putAllValues(values)
                    .build());
    steps.put(name, System.nanoTime() - t0);
    return next;
  }

  /** One phase's sessions and step latencies (of completed sessions), per step. */
  private static final class Phase {
    private static final List<String> STEPS = List.of("create", "address", "pay", "poll");

    private final String name;
    private final Map<String, ConcurrentLinkedQueue<Long>> nanos = new ConcurrentHashMap<>();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private long unfinished;
    private double seconds;

    Phase(String name) {
      this.name = name;
    }

    void record(String step, long n) {
      nanos.computeIfAbsent(step, k -> new ConcurrentLinkedQueue<>()).add(n);
    }

    void fail(RuntimeException e) {
      if (failed.incrementAndGet() <= 3) {
        System.out.println(name + ": failed session: " + e);
      }
    }

    long[] all() {
      return nanos.values().stream()
          .flatMap(ConcurrentLinkedQueue::stream)
          .mapToLong(Long::longValue)
          .sorted()
          .toArray();
    }

    void print() {
      List<String> rows = new ArrayList<>(STEPS);
      rows.add("all");
      for (String step : rows) {
        long[] sorted =
            step.equals("all")
                ? all()
                : nanos.getOrDefault(step, new ConcurrentLinkedQueue<>()).stream()
                    .mapToLong(Long::longValue)
                    .sorted()
                    .toArray();
        boolean first = step.equals(STEPS.get(0));
        System.out.printf(
            "%-34s %9s %9s %7s %7s %10s %7d %9.1f %9.1f%n",
            first ? name : "",
            first ? String.format("%.1f", completed.get() / seconds) : "",
            first ? completed.get() : "",
            first ? failed.get() : "",
            first ? unfinished : "",
            step,
            sorted.length,
            quantileMs(sorted, 0.5),
            quantileMs(sorted, 0.99));
      }
    }
  }

  private CheckoutServiceGrpc.CheckoutServiceBlockingStub checkout() {
    return checkout.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private String tokenize(String provider) {
    try {
      boolean acquirex = provider.equals("acquirex");
      String answer =
          send(
              "POST",
              sim + "/" + provider + (acquirex ? "/v2/vault/cards" : "/v1/payment_methods"),
              apiKeys.get(provider),
              acquirex
                  ? "{\"cardNumber\":\"5555555555554444\",\"expiryMonth\":12,"
                      + "\"expiryYear\":2034}"
                  : "{\"type\":\"card\",\"card\":{\"number\":\"4242424242424242\","
                      + "\"exp_month\":12,\"exp_year\":2034}}");
      JsonObject body = JsonParser.parseString(answer).getAsJsonObject();
      return (acquirex ? body.get("recurringDetailReference") : body.get("id")).getAsString();
    } catch (Exception e) {
      throw new IllegalStateException("tokenizing at " + provider + " failed", e);
    }
  }

  private String send(String method, String url, String apiKey, String body) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (apiKey != null) {
      r.header("Authorization", "Bearer " + apiKey)
          .header("Idempotency-Key", "tok-" + UUID.randomUUID());
    }
    if (body != null) {
      r.header("Content-Type", "application/json");
    }
    HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() / 100 != 2) {
      throw new IllegalStateException(method + " " + url + ": HTTP " + answer.statusCode());
    }
    return answer.body();
  }

  private static double quantileMs(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[index] / 1e6;
  }

  /**
   * What a database did per completed session (transactions, and the tables read by sequential
   * scans with the rows those read): the per-hop cost the services' own SQL adds.
   */
  private static void databaseWork(String jdbcUrl, long sessions) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement()) {
      String db;
      long xacts;
      try (ResultSet r =
          s.executeQuery(
              "SELECT current_database(), xact_commit + xact_rollback FROM pg_stat_database"
                  + " WHERE datname = current_database()")) {
        r.next();
        db = r.getString(1);
        xacts = r.getLong(2);
      }
      System.out.printf(
          "%-40s %10.1f transactions per session%n", db, xacts / (double) Math.max(1, sessions));
      try (ResultSet r =
          s.executeQuery(
              "SELECT relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) FROM pg_stat_user_tables"
                  + " WHERE seq_scan > 0 ORDER BY seq_tup_read DESC LIMIT 5")) {
        while (r.next()) {
          System.out.printf(
              "  %-38s %8d seq scans (%d rows read), %d index scans%n",
              r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4));
        }
      }
    }
  }

  private static long scalar(String jdbcUrl, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
