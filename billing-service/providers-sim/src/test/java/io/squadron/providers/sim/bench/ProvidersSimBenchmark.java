package io.squadron.providers.sim.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.squadron.providers.sim.ProvidersSim;
import io.squadron.providers.sim.SimSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * How many payments per second the simulator sustains, all 16 methods mixed, with the issue's
 * faults on: 10% of requests time out with unknown outcome (connection dropped; half of them after
 * the charge), 5% of callbacks duplicated, 5% reordered. Clients retry a failed request with the
 * same Idempotency-Key until it answers; each payment runs its provider's whole flow (tokenize,
 * create, payer action, capture, ...). The simulator, its webhook receiver and the clients share
 * this JVM and the machine's cores, as the simulator shares them with billing.
 *
 * <p>Prints a table per provider and ends with {@code BENCH providers-sim payments_per_s=...
 * requests_per_s=... p50_ms=... p99_ms=... webhooks_per_s=... timeouts=... double_charges=...}.
 *
 * <p>Arguments (optional): client threads (32), measured seconds (20), warm-up seconds (5).
 */
public final class ProvidersSimBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String base;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(Executors.newFixedThreadPool(4))
          .build();
  private final Map<String, String> keys = new LinkedHashMap<>();
  private final Map<String, LongAdder> payments = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final AtomicLong seq = new AtomicLong();
  private volatile boolean measuring;
  private double cpuSeconds;
  private double loadAverage;
  private final long[] latencyMicros = new long[4_000_000];
  private final AtomicLong latencyCount = new AtomicLong();

  private ProvidersSimBenchmark(String base) throws Exception {
    this.base = base;
    JsonNode credentials = control("GET", "/credentials", null);
    credentials
        .fields()
        .forEachRemaining(e -> keys.put(e.getKey(), e.getValue().get("api_key").asText()));
  }

  /** Runs the benchmark. */
  public static void main(String[] args) throws Exception {
    // Before any JDK HTTP server is made in this JVM (the receiver below is one): small answers
    // without Nagle delays.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 32;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    LongAdder webhooks = new LongAdder();
    HttpServer receiver =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    receiver.setExecutor(Executors.newFixedThreadPool(4));
    receiver.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          webhooks.increment();
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    receiver.start();
    String hookUrl = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhooks/{provider}";
    try (ProvidersSim sim =
        ProvidersSim.start(SimSettings.builder().seed(2026).webhookUrl(hookUrl).build())) {
      ProvidersSimBenchmark bench = new ProvidersSimBenchmark(sim.baseUrl());
      bench.control(
          "PUT",
          "/faults",
          Map.of(
              "timeout",
              Map.of("rate", 0.10, "mode", "drop", "commit_rate", 0.5),
              "callbacks",
              Map.of("duplicate_rate", 0.05, "reorder_rate", 0.05, "reorder_hold_ms", 200)));
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        Thread w = new Thread(() -> bench.loop(offset), "bench-client-" + t);
        w.setDaemon(true);
        w.start();
        workers.add(w);
      }
      Thread.sleep(warmup * 1000L);
      bench.payments.clear();
      bench.requests.reset();
      bench.timeouts.reset();
      long hooksBefore = webhooks.sum();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long cpuBefore = os.getProcessCpuTime();
      bench.measuring = true;
      long start = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      bench.measuring = false;
      double elapsed = (System.nanoTime() - start) / 1e9;
      bench.cpuSeconds = (os.getProcessCpuTime() - cpuBefore) / 1e9;
      bench.loadAverage = os.getSystemLoadAverage();
      long hooks = webhooks.sum() - hooksBefore;
      JsonNode audit = bench.control("GET", "/audit", null);
      bench.report(threads, elapsed, hooks, audit);
    } finally {
      receiver.stop(0);
    }
    System.exit(0);
  }

  private void loop(int offset) {
    String[] methods = keys.keySet().toArray(new String[0]);
    String giftCard = null;
    for (long n = offset; ; n++) {
      String provider = methods[(int) (n % methods.length)];
      try {
        if (provider.equals("giftcard") && giftCard == null) {
          giftCard =
              control(
                      "POST",
                      "/providers/giftcard/ops/issue",
                      Map.of("balance", 1_000_000_000L, "currency", "EUR"))
                  .get("code")
                  .asText();
        }
        pay(provider, giftCard);
        if (measuring) {
          payments.computeIfAbsent(provider, k -> new LongAdder()).increment();
        }
      } catch (Exception e) {
        // a flow that failed for good is not counted; the next one starts
      }
    }
  }

  private void pay(String p, String giftCard) throws Exception {
    String ref = "bench-" + seq.incrementAndGet();
    switch (p) {
      case "cardpay" -> {
        String pm =
            call(
                    p,
                    "POST",
                    "/v1/payment_methods",
                    Map.of(
                        "card",
                        Map.of("number", "4242424242424242", "exp_month", 12, "exp_year", 2030)))
                .get("id")
                .asText();
        call(
            p,
            "POST",
            "/v1/payment_intents",
            Map.of("amount", 999, "currency", "EUR", "payment_method", pm, "reference", ref));
      }
      case "acquirex" -> {
        String token =
            call(
                    p,
                    "POST",
                    "/v2/vault/cards",
                    Map.of("cardNumber", "5555555555554444", "expiryMonth", 12, "expiryYear", 2030))
                .get("recurringDetailReference")
                .asText();
        String psp =
            call(
                    p,
                    "POST",
                    "/v2/authorisations",
                    Map.of(
                        "merchantReference",
                        ref,
                        "amount",
                        Map.of("value", 999, "currency", "EUR"),
                        "paymentMethod",
                        Map.of("recurringDetailReference", token)))
                .get("pspReference")
                .asText();
        call(
            p,
            "POST",
            "/v2/authorisations/" + psp + "/captures",
            Map.of("amount", Map.of("value", 999, "currency", "EUR")));
      }
      case "paywallet" -> {
        String id =
            call(
                    p,
                    "POST",
                    "/v2/checkout/orders",
                    Map.of(
                        "intent",
                        "CAPTURE",
                        "purchase_units",
                        List.of(
                            Map.of(
                                "reference_id",
                                ref,
                                "amount",
                                Map.of("currency_code", "EUR", "value", "9.99")))))
                .get("id")
                .asText();
        act(p, id, "approve");
        call(p, "POST", "/v2/checkout/orders/" + id + "/capture", Map.of());
      }
      case "tapwallet" -> {
        JsonNode token =
            control(
                    "POST",
                    "/providers/tapwallet/ops/device-token",
                    Map.of("card_number", "4242424242424242"))
                .get("payment_token");
        call(
            p,
            "POST",
            "/v1/payments",
            Map.of(
                "merchant_reference",
                ref,
                "amount",
                999,
                "currency",
                "EUR",
                "payment_token",
                token));
      }
      case "gwallet" -> {
        JsonNode data =
            control(
                    "POST",
                    "/providers/gwallet/ops/device-token",
                    Map.of("card_number", "4242424242424242"))
                .get("tokenizationData");
        call(
            p,
            "POST",
            "/v1/charges",
            Map.of(
                "orderId",
                ref,
                "amount",
                Map.of("currencyCode", "EUR", "units", "9", "nanos", 990_000_000),
                "paymentMethodData",
                Map.of("type", "CARD", "tokenizationData", data)));
      }
      case "carrierbill" ->
          call(
              p,
              "POST",
              "/v1/charges",
              Map.of(
                  "msisdn",
                  "+49151" + (10_000_000 + seq.incrementAndGet() % 89_999_999),
                  "amount",
                  499,
                  "currency",
                  "EUR",
                  "merchant_ref",
                  ref,
                  "description",
                  "bench"));
      case "sepadebit" -> {
        String mandate =
            call(
                    p,
                    "POST",
                    "/v1/mandates",
                    Map.of("iban", "DE89370400440532013000", "account_holder", "Bench"))
                .get("id")
                .asText();
        call(
            p,
            "POST",
            "/v1/debits",
            Map.of("mandate_id", mandate, "amount", 999, "currency", "EUR", "end_to_end_id", ref));
      }
      case "bankredirect" ->
          act(
              p,
              call(
                      p,
                      "POST",
                      "/v1/payments",
                      Map.of(
                          "amount",
                          Map.of("currency", "EUR", "value", "9.99"),
                          "description",
                          "bench",
                          "redirectUrl",
                          "https://shop/r",
                          "reference",
                          ref))
                  .get("id")
                  .asText(),
              "pay");
      case "paylater" -> {
        String session =
            call(
                    p,
                    "POST",
                    "/v1/sessions",
                    Map.of(
                        "purchase_country",
                        "SE",
                        "purchase_currency",
                        "SEK",
                        "order_amount",
                        9_990,
                        "merchant_reference",
                        ref))
                .get("session_id")
                .asText();
        act(p, session, "approve");
        String token =
            call(p, "GET", "/v1/sessions/" + session, null).get("authorization_token").asText();
        call(p, "POST", "/v1/authorizations/" + token + "/order", Map.of("order_amount", 9_990));
      }
      case "boleto" ->
          act(
              p,
              call(
                      p,
                      "POST",
                      "/v1/boletos",
                      Map.of(
                          "amount",
                          999,
                          "currency",
                          "BRL",
                          "due_date",
                          java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(3).toString(),
                          "reference",
                          ref,
                          "payer",
                          Map.of("name", "B", "document", "52998224725")))
                  .get("id")
                  .asText(),
              "pay");
      case "upi" ->
          act(
              p,
              call(
                      p,
                      "POST",
                      "/v1/collect",
                      Map.of(
                          "merchantTranId",
                          ref,
                          "payerVpa",
                          "bench@okbank",
                          "amount",
                          "9.99",
                          "currency",
                          "INR"))
                  .get("upiTxnId")
                  .asText(),
              "approve");
      case "pix" -> {
        String txid = String.format(Locale.ROOT, "benchpix%026d", seq.incrementAndGet());
        call(
            p,
            "PUT",
            "/v2/cob/" + txid,
            Map.of("valor", Map.of("original", "9.99"), "chave", "k@pix"));
        act(p, txid, "pay");
      }
      case "ewallet" ->
          act(
              p,
              call(
                      p,
                      "POST",
                      "/v1/payments/pay",
                      Map.of(
                          "paymentRequestId",
                          ref,
                          "paymentAmount",
                          Map.of("currency", "SGD", "value", "999"),
                          "paymentRedirectUrl",
                          "https://shop/r"))
                  .get("paymentId")
                  .asText(),
              "approve");
      case "giftcard" ->
          call(
              p,
              "POST",
              "/v1/redemptions",
              Map.of("code", giftCard, "amount", 999, "currency", "EUR", "reference", ref));
      case "mobilemoney" ->
          act(
              p,
              call(
                      p,
                      "POST",
                      "/v1/stkpush/processrequest",
                      Map.of(
                          "BusinessShortCode",
                          "174379",
                          "Amount",
                          10,
                          "PhoneNumber",
                          "254712345678",
                          "AccountReference",
                          ref,
                          "TransactionDesc",
                          "b"))
                  .get("CheckoutRequestID")
                  .asText(),
              "approve");
      case "banktransfer" ->
          act(
              p,
              call(
                      p,
                      "POST",
                      "/v1/invoices",
                      Map.of("amount", 999, "currency", "EUR", "reference", ref))
                  .get("invoice_id")
                  .asText(),
              "transfer");
      default -> throw new IllegalStateException(p);
    }
  }

  /**
   * A provider call, retried with the same Idempotency-Key after a lost answer (up to 10 times).
   */
  private JsonNode call(String provider, String method, String path, Object body) throws Exception {
    String key = method.equals("GET") ? null : "bk-" + seq.incrementAndGet();
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + "/" + provider + path))
              .timeout(Duration.ofSeconds(5))
              .header("Authorization", "Bearer " + keys.get(provider))
              .header("Content-Type", "application/json");
      if (key != null) {
        b.header("Idempotency-Key", key);
      }
      b.method(
          method,
          body == null
              ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      long start = System.nanoTime();
      try {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        record(start);
        if (r.statusCode() >= 300) {
          throw new IllegalStateException(
              provider + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
      } catch (IOException e) {
        record(start);
        timeouts.increment();
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  private void record(long startNanos) {
    if (measuring) {
      requests.increment();
      long i = latencyCount.getAndIncrement();
      if (i < latencyMicros.length) {
        latencyMicros[(int) i] = (System.nanoTime() - startNanos) / 1000;
      }
    }
  }

  private void act(String provider, String id, String action) throws Exception {
    control("POST", "/providers/" + provider + "/payments/" + id + "/actions/" + action, Map.of());
  }

  private JsonNode control(String method, String path, Object body) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/_control" + path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(
          "control " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private void report(int threads, double seconds, long hooks, JsonNode audit) {
    long total = payments.values().stream().mapToLong(LongAdder::sum).sum();
    int n = (int) Math.min(latencyCount.get(), latencyMicros.length);
    long[] sorted = Arrays.copyOf(latencyMicros, n);
    Arrays.sort(sorted);
    double p50 = n == 0 ? 0 : sorted[n / 2] / 1000.0;
    double p99 = n == 0 ? 0 : sorted[(int) (n * 0.99)] / 1000.0;
    System.out.printf(
        Locale.ROOT,
        "providers-sim benchmark: %d client threads, %.1f s measured, faults: 10%% "
            + "timeouts (drop, half after commit), 5%% duplicated and 5%% reordered callbacks%n",
        threads,
        seconds);
    System.out.printf(Locale.ROOT, "%-14s %10s %12s%n", "provider", "payments", "payments/s");
    for (String p : keys.keySet()) {
      long count = payments.getOrDefault(p, new LongAdder()).sum();
      System.out.printf(Locale.ROOT, "%-14s %10d %12.1f%n", p, count, count / seconds);
    }
    System.out.printf(Locale.ROOT, "%-14s %10d %12.1f%n", "all", total, total / seconds);
    System.out.printf(
        Locale.ROOT,
        "requests: %d (%.0f/s, p50 %.2f ms, p99 %.2f ms), lost answers retried: %d, "
            + "webhooks received: %d (%.0f/s), references charged twice: %d%n",
        requests.sum(),
        requests.sum() / seconds,
        p50,
        p99,
        timeouts.sum(),
        hooks,
        hooks / seconds,
        audit.get("double_charged_references").asInt());
    System.out.printf(
        Locale.ROOT,
        "CPU: %.1f core-seconds for simulator + clients + receiver in this JVM "
            + "(%.0f payments per core-second); machine load average %.1f on %d cores%n",
        cpuSeconds,
        total / cpuSeconds,
        loadAverage,
        Runtime.getRuntime().availableProcessors());
    System.out.printf(
        Locale.ROOT,
        "BENCH providers-sim payments_per_s=%.1f requests_per_s=%.1f p50_ms=%.2f "
            + "p99_ms=%.2f webhooks_per_s=%.1f payments_per_core_s=%.0f timeouts=%d double_charges=%d load=%.1f%n",
        total / seconds,
        requests.sum() / seconds,
        p50,
        p99,
        hooks / seconds,
        total / cpuSeconds,
        timeouts.sum(),
        audit.get("double_charged_references").asInt(),
        loadAverage);
  }
}
