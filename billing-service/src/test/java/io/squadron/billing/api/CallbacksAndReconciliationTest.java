package io.squadron.billing.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.billing.callback.SignatureVerifier;
import io.squadron.proto.billing.v1.BillingErrorReason;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.billing.v1.ReconcileSettlementRequest;
import io.squadron.proto.billing.v1.ReconcileSettlementResponse;
import io.squadron.proto.billing.v1.RefundPaymentRequest;
import io.squadron.proto.billing.v1.SepaDebitDetails;
import io.squadron.proto.billing.v1.SettlementDifference;
import io.squadron.proto.billing.v1.SettlementDifferenceKind;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.Await;
import io.squadron.testkit.ProvidersSimExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Provider callbacks (duplicated, reordered, forged, expired, during a secret rotation), the
 * reconciler (a provider timeout then success charges once; no failover after an unknown outcome;
 * failover when a provider is unavailable), a SEPA return after success, and the settlement report
 * compared with the ledger.
 */
class CallbacksAndReconciliationTest {
  @RegisterExtension static final ProvidersSimExtension SIM = ProvidersSimExtension.ownServer();
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  @RegisterExtension
  static final ServiceExtension BILLING =
      ServiceExtension.forService("billing")
          .calls(PADLOCK)
          .providersSim(SIM)
          .config(BillingFixture.TEST_CONFIG);

  static BillingFixture f;
  static String customer;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void fixture() {
    f = new BillingFixture(PADLOCK, BILLING, SIM);
    customer = f.customer();
  }

  @AfterEach
  void checks() {
    f.control("POST", "/reset", "{\"faults\": true}");
    f.assertLedgerBalanced();
  }

  private static PaymentMethod sepa(String iban) {
    return PaymentMethod.newBuilder()
        .setType(PaymentMethodType.SEPA_DEBIT)
        .setSepaDebit(SepaDebitDetails.newBuilder().setIban(iban).setAccountHolder("Ada Lovelace"))
        .build();
  }

  private static double count(MeterRegistry registry, String name, String... tags) {
    Counter c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void duplicatedAndReorderedCallbacks_applyOnce_andNeverMoveAPaymentBack() {
    double duplicates =
        count(
            BILLING.server().meterRegistry(),
            "billing_callbacks",
            "provider",
            "sepadebit",
            "result",
            "duplicate");
    f.control(
        "PUT",
        "/providers/sepadebit/faults",
        "{\"callbacks\": {\"duplicate_rate\": 1.0, "
            + "\"reorder_rate\": 0.5, \"reorder_hold_ms\": 400}}");
    List<Payment> debits = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      debits.add(
          f.stub()
              .createPayment(
                  f.request(customer, 1000 + i, "EUR", "DE", sepa("DE89370400440532013000"))
                      .build())
              .getPayment());
    }
    f.advance(Duration.ofDays(3));
    for (Payment d : debits) {
      Payment settled = f.await(d.getId(), PaymentStatus.SUCCEEDED);
      f.assertMatchesProvider(settled);
      assertThat(
              f.queryLong(
                  "SELECT count(*) FROM ledger_transactions WHERE payment_id = '"
                      + d.getId()
                      + "' AND kind = 'CAPTURE'"))
          .as("one capture booked")
          .isEqualTo(1);
      // The history only moves forward: PROCESSING, then SUCCEEDED, each once.
      assertThat(
              f.queryLong(
                  "SELECT count(*) FROM payment_history WHERE payment_id = '"
                      + d.getId()
                      + "' AND to_state = 'PROCESSING'"))
          .isEqualTo(1);
    }
    Await.until(
        Duration.ofSeconds(20),
        "duplicates delivered and acknowledged",
        () ->
            count(
                        BILLING.server().meterRegistry(),
                        "billing_callbacks",
                        "provider",
                        "sepadebit",
                        "result",
                        "duplicate")
                    - duplicates
                >= 4);
  }

  @Test
  void forgedExpiredAndMalformedCallbacks_get400_areCounted_andChangeNothing() throws Exception {
    Payment p =
        f.stub()
            .createPayment(
                f.request(customer, 1999, "EUR", "SE", f.card("4000000000003220", "cardpay"))
                    .build())
            .getPayment();
    String body =
        "{\"id\":\"evt_forged_1\",\"type\":\"payment_intent.succeeded\",\"created\":1,"
            + "\"provider\":\"cardpay\",\"data\":{\"object\":{\"id\":\""
            + p.getProviderReference()
            + "\","
            + "\"status\":\"succeeded\",\"amount_received\":1999,\"reference\":\""
            + p.getId()
            + "-1\"}}}";
    String cardpaySecret = f.credentials().path("cardpay").path("webhook_secrets").path(0).asText();
    long now = System.currentTimeMillis() / 1000;
    // A forged "succeeded" for a payment waiting for 3-D Secure, and the same event replayed too
    // late.
    assertThat(
            post(
                    "cardpay",
                    "t="
                        + now
                        + ",v1="
                        + SignatureVerifier.sign("not-the-secret", now, bytes(body)),
                    body)
                .statusCode())
        .isEqualTo(400);
    assertThat(
            post(
                    "cardpay",
                    "t="
                        + (now - 301)
                        + ",v1="
                        + SignatureVerifier.sign(cardpaySecret, now - 301, bytes(body)),
                    body)
                .statusCode())
        .isEqualTo(400);
    assertThat(f.get(p.getId()).getStatus()).isEqualTo(PaymentStatus.REQUIRES_ACTION);
    assertThat(f.queryLong("SELECT count(*) FROM provider_events WHERE event_id = 'evt_forged_1'"))
        .isZero();
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM ledger_transactions WHERE payment_id = '" + p.getId() + "'"))
        .isZero();

    // Counted by reason (on a provider no other test here delivers to, so the counts are exact).
    MeterRegistry registry = BILLING.server().meterRegistry();
    String upiSecret = f.credentials().path("upi").path("webhook_secrets").path(0).asText();
    double forged =
        count(registry, "billing_callbacks_rejected", "provider", "upi", "reason", "forged");
    double expired =
        count(registry, "billing_callbacks_rejected", "provider", "upi", "reason", "expired");
    double malformed =
        count(registry, "billing_callbacks_rejected", "provider", "upi", "reason", "malformed");
    String upiEvent =
        "{\"id\":\"evt_upi_1\",\"type\":\"collect.success\",\"data\":{\"object\":{}}}";
    assertThat(
            post(
                    "upi",
                    "t="
                        + now
                        + ",v1="
                        + SignatureVerifier.sign("not-the-secret", now, bytes(upiEvent)),
                    upiEvent)
                .statusCode())
        .isEqualTo(400);
    assertThat(
            post(
                    "upi",
                    "t="
                        + (now + 400)
                        + ",v1="
                        + SignatureVerifier.sign(upiSecret, now + 400, bytes(upiEvent)),
                    upiEvent)
                .statusCode())
        .isEqualTo(400);
    assertThat(post("upi", null, upiEvent).statusCode()).isEqualTo(400);
    String garbage = "not json at all";
    assertThat(
            post(
                    "upi",
                    "t=" + now + ",v1=" + SignatureVerifier.sign(upiSecret, now, bytes(garbage)),
                    garbage)
                .statusCode())
        .isEqualTo(400);
    assertThat(
            count(registry, "billing_callbacks_rejected", "provider", "upi", "reason", "forged")
                - forged)
        .isEqualTo(1);
    assertThat(
            count(registry, "billing_callbacks_rejected", "provider", "upi", "reason", "expired")
                - expired)
        .isEqualTo(1);
    assertThat(
            count(registry, "billing_callbacks_rejected", "provider", "upi", "reason", "malformed")
                - malformed)
        .isEqualTo(2);
    assertThat(post("nosuchprovider", null, upiEvent).statusCode()).isEqualTo(404);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private HttpResponse<String> post(String provider, String signature, String body)
      throws Exception {
    String template =
        BillingFixture.json(f.control("GET", "/webhook-endpoint", null)).path("url").asText();
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(template.replace("{provider}", provider)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (signature != null) {
      r.header("Squadron-Signature", signature);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void secretRotation_bothSecretsSignMeanwhile_andAnInstanceWithTheNewSecretTakesOver()
      throws Exception {
    MeterRegistry registry = BILLING.server().meterRegistry();
    JsonNode rotated =
        BillingFixture.json(f.control("POST", "/providers/cardpay/webhook-secrets/rotate", null));
    String newest = rotated.path("webhook_secrets").path(0).asText();
    String old = rotated.path("webhook_secrets").path(1).asText();
    double applied =
        count(registry, "billing_callbacks", "provider", "cardpay", "result", "applied");
    Payment p =
        f.stub()
            .createPayment(
                f.request(customer, 1999, "EUR", "SE", f.card("4000000000003220", "cardpay"))
                    .build())
            .getPayment();
    f.act("cardpay", p.getProviderReference(), "authenticate", "{\"result\":\"pass\"}");
    f.await(p.getId(), PaymentStatus.SUCCEEDED);
    Await.until(
        Duration.ofSeconds(20),
        "the callback signed with both secrets applied",
        () ->
            count(registry, "billing_callbacks", "provider", "cardpay", "result", "applied")
                > applied);

    f.control("POST", "/providers/cardpay/webhook-secrets/retire", null);
    double forged =
        count(registry, "billing_callbacks_rejected", "provider", "cardpay", "reason", "forged");
    Payment q =
        f.stub()
            .createPayment(
                f.request(customer, 1999, "EUR", "SE", f.card("4000000000003220", "cardpay"))
                    .build())
            .getPayment();
    f.act("cardpay", q.getProviderReference(), "authenticate", "{\"result\":\"pass\"}");
    Await.until(
        Duration.ofSeconds(20),
        "a callback signed only with the new secret refused",
        () ->
            count(registry, "billing_callbacks_rejected", "provider", "cardpay", "reason", "forged")
                > forged);
    // Billing still learns the outcome: the reconciler polls the provider.
    f.await(q.getId(), PaymentStatus.SUCCEEDED);

    String original =
        BillingFixture.json(f.control("GET", "/webhook-endpoint", null)).path("url").asText();
    SquadronServer updated =
        BILLING.startInstance(
            "squadron.billing.providers.cardpay.webhook-secrets = [\""
                + newest
                + "\", \""
                + old
                + "\"]");
    Payment r =
        f.stub()
            .createPayment(
                f.request(customer, 1999, "EUR", "SE", f.card("4000000000003220", "cardpay"))
                    .build())
            .getPayment();
    f.act("cardpay", r.getProviderReference(), "authenticate", "{\"result\":\"pass\"}");
    Await.until(
        Duration.ofSeconds(20),
        "the updated instance applies the new secret's callback",
        () ->
            count(
                    updated.meterRegistry(),
                    "billing_callbacks",
                    "provider",
                    "cardpay",
                    "result",
                    "applied")
                >= 1);
    f.await(r.getId(), PaymentStatus.SUCCEEDED);
    updated.shutdownGracefully();
    f.control("PUT", "/webhook-endpoint", "{\"url\": \"" + original + "\"}");
  }

  @Test
  void providerTimeoutThenSuccess_isReconciled_chargedOnce_andNeverFailedOver() {
    PaymentMethod card = f.card("4242424242424242", "cardpay", "acquirex");
    f.control(
        "PUT",
        "/providers/cardpay/faults",
        "{\"timeout\": {\"rate\": 1.0, \"mode\": \"drop\", "
            + "\"commit_rate\": 1.0}, \"apply_to\": \"mutating\"}");
    CreatePaymentRequest request = f.request(customer, 3300, "EUR", "SE", card).build();
    Payment pending = f.stub().createPayment(request).getPayment();
    assertThat(pending.getStatus()).isEqualTo(PaymentStatus.PENDING);
    assertThat(pending.getProvider())
        .as("no failover after an unknown outcome")
        .isEqualTo("cardpay");
    assertThat(pending.getNextAction().getPoll().getAfterSeconds()).isPositive();
    assertThat(f.stub().createPayment(request).getPayment())
        .as("the first response is replayed")
        .isEqualTo(pending);
    f.control("POST", "/reset", "{\"faults\": true}");
    Payment settled = f.await(pending.getId(), PaymentStatus.SUCCEEDED);
    JsonNode charges =
        BillingFixture.json(
            f.control(
                "GET", "/providers/cardpay/payments?reference=" + pending.getId() + "-1", null));
    assertThat(charges).hasSize(1);
    assertThat(
            BillingFixture.json(
                f.control(
                    "GET",
                    "/providers/acquirex/payments?reference=" + pending.getId() + "-2",
                    null)))
        .isEmpty();
    // A count (an IntNode has no elements, so isEmpty() on it could never fail).
    assertThat(
            BillingFixture.json(f.control("GET", "/audit", null))
                .required("double_charged_references")
                .asInt())
        .as("provider references charged twice (the simulator's audit)")
        .isZero();
    f.assertMatchesProvider(settled);
  }

  @Test
  void unavailableWhenRepeatingAnUnknownStart_provesNothing_thePaymentStaysPendingUntilAnswered() {
    PaymentMethod card = f.card("4242424242424242", "cardpay", "acquirex");
    f.control(
        "PUT",
        "/providers/cardpay/faults",
        "{\"timeout\": {\"rate\": 1.0, \"mode\": \"drop\", "
            + "\"commit_rate\": 1.0}, \"apply_to\": \"mutating\"}");
    Payment pending =
        f.stub().createPayment(f.request(customer, 3500, "EUR", "SE", card).build()).getPayment();
    f.control("PUT", "/providers/cardpay/faults", "{\"error\": {\"rate\": 1.0, \"status\": 503}}");
    Await.until(
        Duration.ofSeconds(20),
        "the reconciler repeating the start into a 503",
        () ->
            f.queryLong(
                        "SELECT count(*) FROM payment_history WHERE payment_id = '"
                            + pending.getId()
                            + "'")
                    >= 1
                && f.get(pending.getId()).getStatus() == PaymentStatus.PENDING
                && BILLING
                        .server()
                        .meterRegistry()
                        .find("billing_provider_request")
                        .tags(
                            "provider", "cardpay", "operation", "create", "outcome", "unavailable")
                        .timers()
                        .stream()
                        .mapToLong(t -> t.count())
                        .sum()
                    > 0);
    assertThat(f.get(pending.getId()).getStatus())
        .as("a 503 on a repeat proves nothing: still pending")
        .isEqualTo(PaymentStatus.PENDING);
    assertThat(f.get(pending.getId()).getProvider()).isEqualTo("cardpay");
    f.control("POST", "/reset", "{\"faults\": true}");
    Payment settled = f.await(pending.getId(), PaymentStatus.SUCCEEDED);
    assertThat(
            BillingFixture.json(
                f.control(
                    "GET",
                    "/providers/cardpay/payments?reference=" + pending.getId() + "-1",
                    null)))
        .hasSize(1);
    f.assertMatchesProvider(settled);
  }

  @Test
  void timeoutBeforeTheProviderActed_isRepeatedWithTheSameKey_andChargesOnce() {
    PaymentMethod card = f.card("4242424242424242", "cardpay");
    f.control(
        "PUT",
        "/providers/cardpay/faults",
        "{\"timeout\": {\"rate\": 1.0, \"mode\": \"drop\", "
            + "\"commit_rate\": 0.0}, \"apply_to\": \"mutating\"}");
    Payment pending =
        f.stub().createPayment(f.request(customer, 3400, "EUR", "SE", card).build()).getPayment();
    assertThat(pending.getStatus()).isEqualTo(PaymentStatus.PENDING);
    f.control("POST", "/reset", "{\"faults\": true}");
    Payment settled = f.await(pending.getId(), PaymentStatus.SUCCEEDED);
    assertThat(
            BillingFixture.json(
                f.control(
                    "GET",
                    "/providers/cardpay/payments?reference=" + pending.getId() + "-1",
                    null)))
        .hasSize(1);
    f.assertMatchesProvider(settled);
  }

  @Test
  void unavailableProvider_failsOverToTheNext_andAllUnavailableFailsWithoutCharging() {
    PaymentMethod card = f.card("4242424242424242", "cardpay", "acquirex");
    PaymentMethod card2 = f.card("4242424242424242", "cardpay", "acquirex");
    f.control("PUT", "/providers/cardpay/faults", "{\"error\": {\"rate\": 1.0, \"status\": 503}}");
    Payment p =
        f.stub().createPayment(f.request(customer, 2100, "EUR", "SE", card).build()).getPayment();
    assertThat(p.getProvider()).isEqualTo("acquirex");
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM payment_history WHERE payment_id = '"
                    + p.getId()
                    + "' AND cause LIKE 'attempt 1 at cardpay unavailable%'"))
        .isEqualTo(1);
    f.advance(Duration.ofSeconds(61));
    f.assertMatchesProvider(f.await(p.getId(), PaymentStatus.SUCCEEDED));

    f.control("PUT", "/providers/acquirex/faults", "{\"error\": {\"rate\": 1.0, \"status\": 503}}");
    CreatePaymentRequest request = f.request(customer, 2200, "EUR", "SE", card2).build();
    assertThatCall(() -> f.stub().createPayment(request))
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(BillingErrorReason.PROVIDERS_UNAVAILABLE);
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM payments WHERE reference = '"
                    + request.getReference()
                    + "' AND state = 'FAILED' AND failure_reason = 'PROVIDER_UNAVAILABLE'"))
        .isEqualTo(1);
  }

  @Test
  void sepaReturnAfterSuccess_disputesThePayment_andReversesTheLedger() {
    Payment p =
        f.stub()
            .createPayment(
                f.request(customer, 7500, "EUR", "DE", sepa("DE35370400440532013002")).build())
            .getPayment();
    f.advance(Duration.ofDays(3));
    f.await(p.getId(), PaymentStatus.SUCCEEDED);
    f.advance(Duration.ofDays(5).plusMinutes(1));
    Payment disputed = f.await(p.getId(), PaymentStatus.DISPUTED);
    assertThat(disputed.getAmountDisputed()).isEqualTo(7500);
    assertThat(disputed.getFailure().getProviderCode()).isEqualTo("MD06");
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM ledger_transactions WHERE payment_id = '"
                    + p.getId()
                    + "' AND kind = 'RETURN'"))
        .isEqualTo(1);
    f.assertMatchesProvider(disputed);
    // Money in, money back, two fees paid: the provider owes us minus both fees.
    assertThat(f.receivable(p.getId(), "sepadebit")).isEqualTo(-(7500 * 35 / 10_000) - 350);
  }

  @Test
  void settlementReport_agreesWithTheLedger_andEveryTamperedLineIsListed() throws IOException {
    Payment a =
        f.stub()
            .createPayment(
                f.request(customer, 5000, "EUR", "SE", f.card("4242424242424242", "cardpay"))
                    .build())
            .getPayment();
    Payment b =
        f.stub()
            .createPayment(
                f.request(customer, 6000, "EUR", "SE", f.card("4242424242424242", "cardpay"))
                    .build())
            .getPayment();
    f.stub()
        .refundPayment(
            RefundPaymentRequest.newBuilder()
                .setIdempotencyKey(BillingFixture.key("refund"))
                .setPaymentId(b.getId())
                .setAmount(1000)
                .build());
    Path dir = Files.createTempDirectory("billing-settlement");
    JsonNode written =
        BillingFixture.json(
            f.control(
                "POST", "/reports", "{\"providers\": [\"cardpay\"], \"dir\": \"" + dir + "\"}"));
    String csv = Files.readString(Path.of(written.path("reports").path(0).path("file").asText()));
    BillingServiceGrpc.BillingServiceBlockingStub ops =
        BILLING.stub("billing-ops", BillingServiceGrpc::newBlockingStub);
    ReconcileSettlementResponse clean =
        ops.reconcileSettlement(
            ReconcileSettlementRequest.newBuilder()
                .setProvider("cardpay")
                .setReportCsv(csv)
                .build());
    assertThat(ours(clean, a, b)).isEmpty();
    assertThat(clean.getLines()).isGreaterThanOrEqualTo(3);

    String tampered =
        csv.lines()
                .map(
                    line -> {
                      String[] f = line.split(",", -1);
                      if (f.length == 11
                          && f[2].equals(a.getId() + "-1")
                          && f[5].equals("payment")) {
                        f[9] = Long.toString(Long.parseLong(f[9]) + 1);
                        return String.join(",", f);
                      }
                      if (f.length == 11
                          && f[2].equals(b.getId() + "-1")
                          && f[5].equals("refund")) {
                        return null;
                      }
                      return line;
                    })
                .filter(java.util.Objects::nonNull)
                .collect(Collectors.joining("\n"))
            + "\n2026-01-01,cardpay,payzzzzzzzzzzzzzzzzzzzzzzzz-1,pi_x,ch_x,payment,succeeded,100,EUR,0,100\n";
    ReconcileSettlementResponse diffs =
        ops.reconcileSettlement(
            ReconcileSettlementRequest.newBuilder()
                .setProvider("cardpay")
                .setReportCsv(tampered)
                .build());
    assertThat(diffs.getDifferencesList())
        .extracting(SettlementDifference::getKind, SettlementDifference::getPaymentId)
        .contains(
            org.assertj.core.groups.Tuple.tuple(SettlementDifferenceKind.FEE_MISMATCH, a.getId()),
            org.assertj.core.groups.Tuple.tuple(
                SettlementDifferenceKind.REFUNDED_MISMATCH, b.getId()),
            org.assertj.core.groups.Tuple.tuple(
                SettlementDifferenceKind.UNKNOWN_REFERENCE, "payzzzzzzzzzzzzzzzzzzzzzzzz"));
    assertThatCall(
            () ->
                ops.reconcileSettlement(
                    ReconcileSettlementRequest.newBuilder()
                        .setProvider("cardpay")
                        .setReportCsv("not,a,report")
                        .build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasReason(BillingErrorReason.REPORT_MALFORMED)
        .hasBadField("report_csv");
    assertThatCall(
            () ->
                f.stub()
                    .reconcileSettlement(
                        ReconcileSettlementRequest.newBuilder()
                            .setProvider("cardpay")
                            .setReportCsv(csv)
                            .build()))
        .hasCode(Status.Code.PERMISSION_DENIED);
  }

  private static List<SettlementDifference> ours(
      ReconcileSettlementResponse r, Payment... payments) {
    List<String> ids = java.util.Arrays.stream(payments).map(Payment::getId).toList();
    return r.getDifferencesList().stream().filter(d -> ids.contains(d.getPaymentId())).toList();
  }
}
