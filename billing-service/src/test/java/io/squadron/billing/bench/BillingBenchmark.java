package io.squadron.billing.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.infra.LocalInfra;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.BoletoDetails;
import io.squadron.proto.billing.v1.CardDetails;
import io.squadron.proto.billing.v1.CarrierBillingDetails;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.CreatePaymentResponse;
import io.squadron.proto.billing.v1.GWalletDetails;
import io.squadron.proto.billing.v1.GiftCardDetails;
import io.squadron.proto.billing.v1.MobileMoneyDetails;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentFailureDetail;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.ProviderToken;
import io.squadron.proto.billing.v1.ReconcileSettlementRequest;
import io.squadron.proto.billing.v1.ReconcileSettlementResponse;
import io.squadron.proto.billing.v1.SepaDebitDetails;
import io.squadron.proto.billing.v1.SettlementDifference;
import io.squadron.proto.billing.v1.SettlementDifferenceKind;
import io.squadron.proto.billing.v1.TapWalletDetails;
import io.squadron.proto.billing.v1.UpiDetails;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.store.postgres.PostgresDatabases;
import io.squadron.testkit.service.ServiceHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Payments per second through billing over all 16 providers, with the faults: 10% of
 * provider requests time out with an unknown outcome (half after the provider acted), 5% of
 * callbacks duplicated and 5% reordered; clients retry a failed call with the same idempotency key
 * until it answers. Payers act by themselves (the simulator's automatic customer) except where they
 * never would (vouchers, QR codes, transfers: the benchmark pays those). Afterwards the faults
 * stop, the simulator's clock moves (debits confirm, vouchers clear) and the reconciler runs to
 * completion; then every provider's settlement report is compared with the ledger.
 *
 * <p>Real processes and stores: PostgreSQL, Cassandra and memcached (Padlock), the provider
 * simulator as its own process, Padlock and billing in this JVM over mutual TLS. Prints a table per
 * provider and ends with {@code BENCH billing payments_per_s=... p99_ms=... double_charges=...
 * lost_payments=... ledger_unbalanced=... unresolved=...}.
 *
 * <p>Arguments (optional): client threads (48), measured seconds (30), warm-up seconds (15).
 */
public final class BillingBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] PROVIDERS = {
    "cardpay",
    "acquirex",
    "paywallet",
    "tapwallet",
    "gwallet",
    "carrierbill",
    "sepadebit",
    "bankredirect",
    "paylater",
    "boleto",
    "upi",
    "pix",
    "ewallet",
    "giftcard",
    "mobilemoney",
    "banktransfer"
  };

  private final String sim;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Map<String, String> keys = new LinkedHashMap<>();
  private final BillingServiceGrpc.BillingServiceBlockingStub billing;
  private final String customer;
  private final AtomicLong seq = new AtomicLong();
  private final Map<String, LongAdder> completed = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> declined = new ConcurrentHashMap<>();
  private final LongAdder retries = new LongAdder();
  private final LongAdder failedFlows = new LongAdder();
  private final long[] latencyMicros = new long[2_000_000];
  private final AtomicLong latencyCount = new AtomicLong();
  private volatile boolean measuring;
  private volatile boolean stop;

  private final BillingServiceGrpc.BillingServiceBlockingStub ops;

  private BillingBenchmark(
      String sim,
      BillingServiceGrpc.BillingServiceBlockingStub billing,
      BillingServiceGrpc.BillingServiceBlockingStub ops,
      String customer)
      throws Exception {
    this.sim = sim;
    this.billing = billing;
    this.ops = ops;
    this.customer = customer;
    control("GET", "/credentials", null)
        .fields()
        .forEachRemaining(e -> keys.put(e.getKey(), e.getValue().path("api_key").asText()));
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
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 48;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    String run = "bench_billing_" + Long.toHexString(System.nanoTime() & 0xffffff);
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
      String dbUrl = PostgresDatabases.ensure(env.get(LocalInfra.POSTGRES_URL_ENV), run);
      String simUrl = env.get(LocalInfra.PROVIDERS_SIM_ENV);
      try (ServiceHarness padlock =
              ServiceHarness.forService("padlock")
                  .cassandra(env.get(LocalInfra.CASSANDRA_ENV), run + "_padlock")
                  .memcached(env.get(LocalInfra.MEMCACHED_ENV), run + ":")
                  .start();
          ServiceHarness billing =
              ServiceHarness.forService("billing")
                  .calls("padlock", padlock.port())
                  .postgres(dbUrl)
                  .kafka(env.get(LocalInfra.KAFKA_ENV), "")
                  .providersSim(simUrl)
                  .config(
                      """
                  squadron.billing.reconcile {
                    interval = 250ms
                    threads = 8
                    batch-size = 256
                    unknown-outcome { initial = 1s, max = 5s }
                    default { initial = 5s, max = 10s }
                    methods {
                      card { initial = 5s, max = 10s }
                      sepa-debit { initial = 5s, max = 10s }
                      boleto { initial = 5s, max = 10s }
                      bank-transfer { initial = 5s, max = 10s }
                      pix { initial = 5s, max = 10s }
                      paylater { initial = 5s, max = 10s }
                      paywallet { initial = 5s, max = 10s }
                    }
                  }
                  squadron.billing.idempotency.lease = 20s
                  squadron.billing.provider-defaults.request-timeout = 5s
                  squadron.billing.callbacks.threads = 16
                  squadron.stores.postgres.pool-size = 32
                  squadron.padlock-client.deadline = 5s
                  """)
                  .clientDeadline(Duration.ofSeconds(30))
                  .start()) {
        String customer = "bench-" + UUID.randomUUID();
        padlock
            .stub("userdb", PadlockServiceGrpc::newBlockingStub)
            .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(customer).build());
        BillingBenchmark bench =
            new BillingBenchmark(
                simUrl,
                billing.stub("checkout", BillingServiceGrpc::newBlockingStub),
                billing.stub("billing-ops", BillingServiceGrpc::newBlockingStub),
                customer);
        bench.execute(threads, seconds, warmup, dbUrl);
      }
    }
  }

  private void execute(int threads, int seconds, int warmup, String dbUrl) throws Exception {
    control(
        "PUT",
        "/faults",
        "{\"timeout\": {\"rate\": 0.10, \"mode\": \"drop\", \"commit_rate\": 0.5},"
            + " \"apply_to\": \"mutating\", \"callbacks\": {\"duplicate_rate\": 0.05, \"reorder_rate\": 0.05,"
            + " \"reorder_hold_ms\": 200}, \"customer\": {\"auto\": true, \"approve_rate\": 1.0, \"after_seconds\": 1}}");
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      Thread w = new Thread(() -> loop(offset), "bench-client-" + t);
      w.setDaemon(true);
      w.start();
      workers.add(w);
    }
    Thread.sleep(warmup * 1000L);
    completed.clear();
    declined.clear();
    retries.reset();
    latencyCount.set(0);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpuBefore = os.getProcessCpuTime();
    measuring = true;
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    measuring = false;
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpu = (os.getProcessCpuTime() - cpuBefore) / 1e9;
    double load = os.getSystemLoadAverage();
    stop = true;
    for (Thread w : workers) {
      w.join(60_000);
    }
    long drainStart = System.nanoTime();
    long unresolved = drain(dbUrl);
    double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
    report(threads, elapsed, cpu, load, dbUrl, unresolved, drainSeconds);
  }

  private void loop(int offset) {
    Map<String, String> cardTokens = new LinkedHashMap<>();
    String giftCard = null;
    for (long n = offset; !stop; n++) {
      String provider = PROVIDERS[(int) (n % PROVIDERS.length)];
      try {
        if (provider.equals("giftcard") && giftCard == null) {
          giftCard =
              control(
                      "POST",
                      "/providers/giftcard/ops/issue",
                      "{\"balance\": 1000000000000, " + "\"currency\": \"EUR\"}")
                  .path("code")
                  .asText();
        }
        if ((provider.equals("cardpay") || provider.equals("acquirex"))
            && !cardTokens.containsKey(provider)) {
          cardTokens.put(provider, tokenize(provider));
        }
        pay(provider, cardTokens.get(provider), giftCard);
      } catch (Exception e) {
        failedFlows.increment();
      }
    }
  }

  private void pay(String provider, String cardToken, String giftCard) throws Exception {
    long i = seq.incrementAndGet();
    PaymentMethod.Builder m = PaymentMethod.newBuilder();
    String country = "SE";
    String currency = "EUR";
    long amount = 999;
    switch (provider) {
      case "cardpay", "acquirex" -> {
        m.setType(PaymentMethodType.CARD)
            .setCard(
                CardDetails.newBuilder()
                    .addTokens(
                        ProviderToken.newBuilder().setProvider(provider).setToken(cardToken)));
        country = provider.equals("acquirex") ? "US" : "SE";
      }
      case "paywallet" -> m.setType(PaymentMethodType.PAYWALLET);
      case "tapwallet" -> {
        JsonNode t =
            control(
                    "POST",
                    "/providers/tapwallet/ops/device-token",
                    "{\"card_number\": " + "\"4242424242424242\"}")
                .path("payment_token");
        m.setType(PaymentMethodType.TAPWALLET)
            .setTapwallet(
                TapWalletDetails.newBuilder()
                    .setPaymentData(t.path("paymentData").asText())
                    .setTransactionIdentifier(t.path("transactionIdentifier").asText()));
      }
      case "gwallet" -> {
        JsonNode t =
            control(
                    "POST",
                    "/providers/gwallet/ops/device-token",
                    "{\"card_number\": " + "\"4242424242424242\"}")
                .path("tokenizationData");
        m.setType(PaymentMethodType.GWALLET)
            .setGwallet(
                GWalletDetails.newBuilder()
                    .setTokenizationType(t.path("type").asText())
                    .setToken(t.path("token").asText()));
      }
      case "carrierbill" -> {
        m.setType(PaymentMethodType.CARRIER_BILLING)
            .setCarrierBilling(
                CarrierBillingDetails.newBuilder()
                    .setMsisdn("+4915" + (100_000_000 + i % 899_999_999)));
        country = "DE";
        amount = 499;
      }
      case "sepadebit" -> {
        m.setType(PaymentMethodType.SEPA_DEBIT)
            .setSepaDebit(
                SepaDebitDetails.newBuilder()
                    .setIban("DE89370400440532013000")
                    .setAccountHolder("Bench Payer"));
        country = "DE";
      }
      case "bankredirect" -> {
        m.setType(PaymentMethodType.BANK_REDIRECT);
        country = "NL";
      }
      case "paylater" -> {
        m.setType(PaymentMethodType.PAYLATER);
        currency = "SEK";
        amount = 9990;
      }
      case "boleto" -> {
        m.setType(PaymentMethodType.BOLETO)
            .setBoleto(
                BoletoDetails.newBuilder()
                    .setPayerName("Bench")
                    .setPayerDocument("529.982.247-25"));
        country = "BR";
        currency = "BRL";
      }
      case "upi" -> {
        m.setType(PaymentMethodType.UPI).setUpi(UpiDetails.newBuilder().setVpa("bench@okbank"));
        country = "IN";
        currency = "INR";
      }
      case "pix" -> {
        m.setType(PaymentMethodType.PIX);
        country = "BR";
        currency = "BRL";
      }
      case "ewallet" -> {
        m.setType(PaymentMethodType.EWALLET);
        country = "SG";
        currency = "SGD";
      }
      case "giftcard" ->
          m.setType(PaymentMethodType.GIFT_CARD)
              .setGiftCard(GiftCardDetails.newBuilder().setCode(giftCard));
      case "mobilemoney" -> {
        m.setType(PaymentMethodType.MOBILE_MONEY)
            .setMobileMoney(MobileMoneyDetails.newBuilder().setPhone("254712345678"));
        country = "KE";
        currency = "KES";
        amount = 1000;
      }
      case "banktransfer" -> {
        m.setType(PaymentMethodType.BANK_TRANSFER);
        country = "DE";
      }
      default -> throw new IllegalStateException(provider);
    }
    CreatePaymentRequest request =
        CreatePaymentRequest.newBuilder()
            .setIdempotencyKey("bench-" + i + "-" + UUID.randomUUID())
            .setCustomerId(customer)
            .setReference("bench-order-" + i)
            .setAmount(amount)
            .setCurrency(currency)
            .setCountry(country)
            .setPaymentMethod(m)
            .setReturnUrl("https://shop.example/r")
            .build();
    long started = System.nanoTime();
    Payment payment = null;
    boolean decline = false;
    for (int attempt = 1; ; attempt++) {
      try {
        CreatePaymentResponse r =
            billing.withDeadlineAfter(30, TimeUnit.SECONDS).createPayment(request);
        payment = r.getPayment();
        break;
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.FAILED_PRECONDITION) {
          decline = true;
          payment = declinedPayment(e);
          break;
        }
        if (attempt >= 50
            || (code != Status.Code.UNAVAILABLE
                && code != Status.Code.ABORTED
                && code != Status.Code.DEADLINE_EXCEEDED)) {
          throw e;
        }
        retries.increment();
        Thread.sleep(Math.min(1000, 50L * attempt));
      }
    }
    record(started);
    if (measuring) {
      (decline ? declined : completed).computeIfAbsent(provider, k -> new LongAdder()).increment();
    }
    if (payment != null && !payment.getProviderReference().isEmpty()) {
      // Payers who never act by themselves in the simulator: the benchmark pays.
      String action =
          switch (provider) {
            case "boleto", "pix" -> "pay";
            case "banktransfer" -> "transfer";
            default -> null;
          };
      if (action != null) {
        actQuietly(provider, payment.getProviderReference(), action);
      }
    }
  }

  private static Payment declinedPayment(StatusRuntimeException e) {
    com.google.rpc.Status s = StatusProto.fromThrowable(e);
    if (s != null) {
      for (com.google.protobuf.Any d : s.getDetailsList()) {
        if (d.is(PaymentFailureDetail.class)) {
          try {
            return d.unpack(PaymentFailureDetail.class).getPayment();
          } catch (com.google.protobuf.InvalidProtocolBufferException x) {
            return null;
          }
        }
      }
    }
    return null;
  }

  private void record(long startNanos) {
    if (measuring) {
      long i = latencyCount.getAndIncrement();
      if (i < latencyMicros.length) {
        latencyMicros[(int) i] = (System.nanoTime() - startNanos) / 1000;
      }
    }
  }

  private String tokenize(String provider) throws Exception {
    String key = keys.get(provider);
    for (int attempt = 1; ; attempt++) {
      String idem = "tok-" + provider + "-" + Thread.currentThread().getName();
      HttpRequest.Builder r =
          HttpRequest.newBuilder(
                  URI.create(
                      sim
                          + "/"
                          + provider
                          + (provider.equals("acquirex")
                              ? "/v2/vault/cards"
                              : "/v1/payment_methods")))
              .timeout(Duration.ofSeconds(10))
              .header("Authorization", "Bearer " + key)
              .header("Idempotency-Key", idem)
              .header("Content-Type", "application/json")
              .POST(
                  HttpRequest.BodyPublishers.ofString(
                      provider.equals("acquirex")
                          ? "{\"cardNumber\":\"5555555555554444\",\"expiryMonth\":12,\"expiryYear\":2034}"
                          : "{\"type\":\"card\",\"card\":{\"number\":\"4242424242424242\",\"exp_month\":12,\"exp_year\":2034}}"));
      try {
        HttpResponse<String> answer = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode body = JSON.readTree(answer.body());
        return provider.equals("acquirex")
            ? body.path("recurringDetailReference").asText()
            : body.path("id").asText();
      } catch (java.io.IOException e) {
        if (attempt == 20) {
          throw e;
        }
      }
    }
  }

  private void actQuietly(String provider, String providerRef, String action) {
    try {
      control(
          "POST",
          "/providers/" + provider + "/payments/" + providerRef + "/actions/" + action,
          "{}");
    } catch (Exception e) {
      // Already acted on (by the drain), or not payable now: the drain settles it.
    }
  }

  private JsonNode control(String method, String path, String body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(sim + "/_control" + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "control " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  /**
   * Stops the request faults, moves the simulator's clock a day at a time (debits submit and
   * confirm, vouchers clear, transfers book), pays what payers left open, and waits for the
   * reconciler until nothing is open or three minutes passed.
   *
   * @return payments still open afterwards
   */
  private long drain(String dbUrl) throws Exception {
    control(
        "PUT",
        "/faults",
        "{\"callbacks\": {\"duplicate_rate\": 0.05, \"reorder_rate\": 0.05,"
            + " \"reorder_hold_ms\": 200}, \"customer\": {\"auto\": true, \"approve_rate\": 1.0, \"after_seconds\": 1}}");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    long open = openPayments(dbUrl);
    for (int round = 0; open > 0 && System.nanoTime() < deadline; round++) {
      for (String[] p : openWaitingForThePayer(dbUrl)) {
        String action =
            switch (p[0]) {
              case "boleto", "pix" -> "pay";
              case "banktransfer" -> "transfer";
              default -> null;
            };
        if (action != null) {
          actQuietly(p[0], p[1], action);
        }
      }
      if (round < 8) {
        control("POST", "/clock/advance", "{\"seconds\": 86400}");
      }
      Thread.sleep(3000);
      open = openPayments(dbUrl);
    }
    return open;
  }

  private static long openPayments(String dbUrl) throws Exception {
    return queryLong(
        dbUrl,
        "SELECT count(*) FROM payments WHERE state IN ('PENDING', 'REQUIRES_ACTION', "
            + "'PROCESSING', 'REQUIRES_CAPTURE')");
  }

  private static List<String[]> openWaitingForThePayer(String dbUrl) throws Exception {
    List<String[]> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(dbUrl);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT provider, provider_ref FROM payments WHERE state = 'REQUIRES_ACTION' AND provider_ref IS NOT NULL "
                    + "AND provider IN ('boleto', 'pix', 'banktransfer')");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    return out;
  }

  private static long queryLong(String dbUrl, String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(dbUrl);
        PreparedStatement s = c.prepareStatement(sql);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void report(
      int threads,
      double seconds,
      double cpu,
      double load,
      String dbUrl,
      long unresolved,
      double drainSeconds)
      throws Exception {
    long total =
        completed.values().stream().mapToLong(LongAdder::sum).sum()
            + declined.values().stream().mapToLong(LongAdder::sum).sum();
    int n = (int) Math.min(latencyCount.get(), latencyMicros.length);
    long[] sorted = Arrays.copyOf(latencyMicros, n);
    Arrays.sort(sorted);
    double p50 = n == 0 ? 0 : sorted[n / 2] / 1000.0;
    double p99 = n == 0 ? 0 : sorted[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1000.0;

    // Double charges: a provider reference charged twice (the simulator's audit) or two payments
    // for one order.
    JsonNode audit = control("GET", "/audit", null);
    long simDoubles = audit.required("double_charged_references").asLong();
    long billingDoubles =
        queryLong(
            dbUrl,
            "SELECT count(*) FROM (SELECT reference FROM payments GROUP BY caller, "
                + "reference HAVING count(*) > 1) d");
    long unbalanced =
        queryLong(
            dbUrl,
            "SELECT count(*) FROM (SELECT t.id FROM ledger_transactions t LEFT JOIN "
                + "ledger_entries e ON e.transaction_id = t.id GROUP BY t.id HAVING coalesce(sum(e.amount), 0) <> 0 OR "
                + "count(e.id) < 2) x");
    // Lost payments: money the providers' settlement reports show that the ledger does not (or not
    // as much).
    Path dir = Files.createTempDirectory("billing-bench-reports");
    JsonNode reports = control("POST", "/reports", "{\"dir\": \"" + dir + "\"}");
    Map<SettlementDifferenceKind, Long> kinds = new LinkedHashMap<>();
    long lost = 0;
    for (JsonNode r : reports.path("reports")) {
      String csv = Files.readString(Path.of(r.path("file").asText()));
      ReconcileSettlementResponse diff = reconcile(r.path("provider").asText(), csv);
      for (SettlementDifference d : diff.getDifferencesList()) {
        kinds.merge(d.getKind(), 1L, Long::sum);
        if (d.getKind() == SettlementDifferenceKind.UNKNOWN_REFERENCE
            || d.getKind() == SettlementDifferenceKind.CAPTURED_MISMATCH
                && d.getProviderAmount() > d.getLedgerAmount()) {
          lost++;
        }
      }
    }
    System.out.printf("%-14s %12s %10s %10s%n", "provider", "payments/s", "completed", "declined");
    for (String p : PROVIDERS) {
      long c = completed.getOrDefault(p, new LongAdder()).sum();
      long d = declined.getOrDefault(p, new LongAdder()).sum();
      System.out.printf(Locale.ROOT, "%-14s %12.1f %10d %10d%n", p, (c + d) / seconds, c, d);
    }
    System.out.printf(Locale.ROOT, "%-14s %12.1f %10d%n", "all", total / seconds, total);
    System.out.printf(
        Locale.ROOT,
        "CreatePayment (with the client's retries): p50 %.1f ms, p99 %.1f ms; client "
            + "retries %d; flows given up %d%n",
        p50,
        p99,
        retries.sum(),
        failedFlows.sum());
    System.out.printf(
        Locale.ROOT,
        "drain (faults off, clock moved, reconciler): %.0f s; open afterwards %d%n",
        drainSeconds,
        unresolved);
    System.out.printf(Locale.ROOT, "settlement differences by kind: %s%n", kinds);
    System.out.printf(
        Locale.ROOT,
        "double charges: simulator audit %d, two payments for one order %d%n",
        simDoubles,
        billingDoubles);
    System.out.printf(
        Locale.ROOT,
        "CPU: %.1f core-seconds in this JVM (billing, Padlock, clients) over %.0f s; "
            + "machine load average %.1f on %d cores; %d client threads%n",
        cpu,
        seconds,
        load,
        Runtime.getRuntime().availableProcessors(),
        threads);
    System.out.printf(
        Locale.ROOT,
        "BENCH billing payments_per_s=%.1f p99_ms=%.1f double_charges=%d "
            + "lost_payments=%d ledger_unbalanced=%d unresolved=%d%n",
        total / seconds,
        p99,
        simDoubles + billingDoubles,
        lost,
        unbalanced,
        unresolved);
  }

  private ReconcileSettlementResponse reconcile(String provider, String csv) {
    return ops.reconcileSettlement(
        ReconcileSettlementRequest.newBuilder().setProvider(provider).setReportCsv(csv).build());
  }
}
