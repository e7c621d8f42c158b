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
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * <p>Arguments: {@code [workers, default 16] [seconds, default 30] [offer code uses, default 200]
 * [max sessions, default 5000]}. Ends with {@code BENCH checkout sessions_per_s=... p99_step_ms=...
 * overredeemed=... double_charges=...}.
 */
public final class CheckoutBenchmark {
  private static final String CODE = "BENCHLIM";
  private static final Duration CALL_DEADLINE = Duration.ofSeconds(10);
  private static final Duration DRAIN = Duration.ofSeconds(30);
  private static final int MAX_POLLS = 10;

  private final CheckoutServiceGrpc.CheckoutServiceBlockingStub checkout;
  private final PadlockServiceGrpc.PadlockServiceBlockingStub padlock;
  private final String sim;
  private final Map<String, String> apiKeys = new HashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final ConcurrentLinkedQueue<long[]> stepNanos = new ConcurrentLinkedQueue<>();
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
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
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int uses = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    long maxSessions = args.length > 3 ? Long.parseLong(args[3]) : 5000;
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
        bench.execute(workers, seconds, uses, checkoutDb, billingDb);
      }
    }
  }

  private void execute(int workers, int seconds, int uses, String checkoutDb, String billingDb)
      throws Exception {
    System.out.printf(
        "checkout benchmark: %d workers for %d s; sessions race for %d uses of %s%n",
        workers, seconds, uses, CODE);
    long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      Thread t = new Thread(() -> loop(end), "bench-worker-" + i);
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
    long unfinished = threads.stream().filter(Thread::isAlive).count();
    double elapsed = (Math.min(System.nanoTime(), drainEnd) - start) / 1e9;
    long[] all = stepNanos.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    double p50 = quantileMs(all, 0.5);
    double p99 = quantileMs(all, 0.99);
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
    System.out.printf("%-22s %10s%n", "sessions completed", completed.get());
    System.out.printf("%-22s %10s%n", "sessions failed", failed.get());
    System.out.printf("%-22s %10s%n", "sessions unfinished", unfinished);
    System.out.printf("%-22s %10s%n", "with the offer code", withOffer.get());
    System.out.printf("%-22s %10s%n", "offer uses redeemed", redeemed);
    System.out.printf("%-22s %10d%n", "steps timed", all.length);
    System.out.printf("%-22s %10.1f%n", "p50 step ms", p50);
    System.out.printf("%-22s %10.1f%n", "p99 step ms", p99);
    System.out.printf(
        "BENCH checkout sessions_per_s=%.1f p99_step_ms=%.1f p50_step_ms=%.1f overredeemed=%d"
            + " double_charges=%d failed=%d unfinished=%d workers=%d%n",
        completed.get() / elapsed,
        p99,
        p50,
        overredeemed,
        doubleCharges,
        failed.get(),
        unfinished,
        workers);
  }

  private void loop(long end) {
    Map<String, String> tokens = new HashMap<>();
    while (System.nanoTime() < end && started.incrementAndGet() <= maxSessions) {
      List<Long> steps = new ArrayList<>();
      try {
        String user = "bench-" + UUID.randomUUID();
        padlock
            .withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
            .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build());
        CreateCheckoutSessionRequest.Builder create =
            CreateCheckoutSessionRequest.newBuilder()
                .setUserId(user)
                .setPlanId("individual")
                .setCountry("DE")
                .setDevice(Device.WEB)
                .setOfferCode(CODE);
        CheckoutSession s;
        long t0 = System.nanoTime();
        try {
          s = checkout().createCheckoutSession(create.build());
          withOffer.incrementAndGet();
        } catch (StatusRuntimeException e) {
          if (e.getStatus().getCode() != Status.Code.FAILED_PRECONDITION) {
            throw e;
          }
          s = checkout().createCheckoutSession(create.clearOfferCode().build()); // uses taken
        }
        steps.add(System.nanoTime() - t0);
        s = timed(steps, s, Map.of("postal_code", "10115"));
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
        s = timed(steps, s, values);
        for (int polls = 0; s.getState() == SessionState.OPEN && polls < MAX_POLLS; polls++) {
          if (s.getNextStep().hasPaymentAction()) {
            // Billing asked to poll later: wait as a client would (capped), not spin.
            Thread.sleep(
                Math.min(1000, 1000L * s.getNextStep().getPaymentAction().getPollAfterSeconds()));
          }
          s = timed(steps, s, Map.of());
        }
        if (s.getState() != SessionState.COMPLETED) {
          throw new IllegalStateException(
              "session ended " + s.getState() + " at " + s.getNextStep());
        }
        completed.incrementAndGet();
        stepNanos.add(steps.stream().mapToLong(Long::longValue).toArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        if (failed.incrementAndGet() <= 3) {
          System.out.println("failed session: " + e);
        }
      }
    }
  }

  private CheckoutSession timed(List<Long> steps, CheckoutSession s, Map<String, String> values) {
    long t0 = System.nanoTime();
    CheckoutSession next =
        checkout()
            .submitStep(
                SubmitStepRequest.newBuilder()
                    .setSessionId(s.getSessionId())
                    .setStepId(s.getNextStep().getStepId())
                    .putAllValues(values)
                    .build());
    steps.add(System.nanoTime() - t0);
    return next;
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

  private static long scalar(String jdbcUrl, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }
}
