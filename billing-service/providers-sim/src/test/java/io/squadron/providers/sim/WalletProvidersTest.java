package io.squadron.providers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wallets: paywallet (redirect + capture), tapwallet and gwallet (device tokens), ewallet
 * (Alipay+-like).
 */
class WalletProvidersTest {
  private static SimHarness sim;
  private static WebhookReceiver hooks;

  @BeforeAll
  static void start() throws Exception {
    hooks = new WebhookReceiver();
    sim = SimHarness.start(12, null, hooks.urlTemplate());
  }

  @AfterAll
  static void stop() {
    sim.close();
    hooks.close();
  }

  private String order(String reference, String value) {
    SimHarness.Response r =
        sim.post(
            "paywallet",
            "/v2/checkout/orders",
            Map.of(
                "intent",
                "CAPTURE",
                "purchase_units",
                List.of(
                    Map.of(
                        "reference_id",
                        reference,
                        "amount",
                        Map.of("currency_code", "EUR", "value", value)))));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    assertThat(r.body().get("status").asText()).isEqualTo("PAYER_ACTION_REQUIRED");
    assertThat(r.body().at("/links/1/rel").asText()).isEqualTo("payer-action");
    return r.body().get("id").asText();
  }

  @Test
  void paywallet_approveThenCapture_completes() throws Exception {
    String id = order("pw-ok", "12.50");
    SimHarness.Response early =
        sim.post("paywallet", "/v2/checkout/orders/" + id + "/capture", Map.of());
    assertThat(early.status()).isEqualTo(422);
    assertThat(early.body().at("/details/0/issue").asText()).isEqualTo("ORDER_NOT_APPROVED");
    sim.act("paywallet", id, "approve", null);
    hooks.awaitEvent("paywallet", "CHECKOUT.ORDER.APPROVED", id, 5_000);
    SimHarness.Response capture =
        sim.post("paywallet", "/v2/checkout/orders/" + id + "/capture", Map.of());
    assertThat(capture.status()).isEqualTo(201);
    assertThat(capture.body().get("status").asText()).isEqualTo("COMPLETED");
    assertThat(sim.truth("paywallet", id).get("captured_amount").asLong()).isEqualTo(1250);
    WebhookReceiver.Delivery d =
        hooks.awaitEvent("paywallet", "PAYMENT.CAPTURE.COMPLETED", id, 5_000);
    String captureId = d.json().at("/data/object/id").asText();
    SimHarness.Response refund =
        sim.post(
            "paywallet",
            "/v2/payments/captures/" + captureId + "/refund",
            Map.of("amount", Map.of("currency_code", "EUR", "value", "2.50")));
    assertThat(refund.status()).isEqualTo(201);
    assertThat(sim.truth("paywallet", id).get("net_charged").asLong()).isEqualTo(1000);
  }

  @Test
  void paywallet_unapprovedOrderIsVoidedAfterThreeHours_andBadDecimalsRejected() {
    String id = order("pw-expire", "3.00");
    sim.advance(3 * 3600);
    assertThat(sim.truth("paywallet", id).get("phase").asText()).isEqualTo("EXPIRED");
    SimHarness.Response bad =
        sim.post(
            "paywallet",
            "/v2/checkout/orders",
            Map.of(
                "intent",
                "CAPTURE",
                "purchase_units",
                List.of(
                    Map.of(
                        "reference_id",
                        "x",
                        "amount",
                        Map.of("currency_code", "JPY", "value", "10.5")))));
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().at("/details/0/field").asText())
        .isEqualTo("purchase_units[0].amount.value");
  }

  @Test
  void paywallet_injectedDeclineAtCapture_is422InstrumentDeclined() {
    sim.faults(
        "paywallet",
        Map.of("decline", Map.of("rate", 1.0, "codes", List.of("INSTRUMENT_DECLINED"))));
    try {
      String id = order("pw-declined", "5.00");
      sim.act("paywallet", id, "approve", null);
      SimHarness.Response capture =
          sim.post("paywallet", "/v2/checkout/orders/" + id + "/capture", Map.of());
      assertThat(capture.status()).isEqualTo(422);
      assertThat(capture.body().at("/details/0/issue").asText()).isEqualTo("INSTRUMENT_DECLINED");
      assertThat(sim.truth("paywallet", id).get("net_charged").asLong()).isZero();
    } finally {
      sim.faults("paywallet", Map.of());
    }
  }

  private JsonNode tapToken(String number) {
    return sim.ok("POST", "/providers/tapwallet/ops/device-token", Map.of("card_number", number))
        .get("payment_token");
  }

  @Test
  void tapwallet_tokenIsOneTimeAndExpires_declinesAre200() {
    JsonNode token =
        tapToken("4000000000003220"); // 3DS card: the device already authenticated the payer
    SimHarness.Response paid =
        sim.post(
            "tapwallet",
            "/v1/payments",
            Map.of(
                "merchant_reference",
                "tw-1",
                "amount",
                899,
                "currency",
                "EUR",
                "payment_token",
                token));
    assertThat(paid.status()).isEqualTo(200);
    assertThat(paid.body().get("status").asText()).isEqualTo("captured");
    SimHarness.Response reused =
        sim.post(
            "tapwallet",
            "/v1/payments",
            Map.of(
                "merchant_reference",
                "tw-2",
                "amount",
                899,
                "currency",
                "EUR",
                "payment_token",
                token));
    assertThat(reused.status()).isEqualTo(400);
    assertThat(reused.body().at("/error/code").asText()).isEqualTo("token_already_used");

    SimHarness.Response declined =
        sim.post(
            "tapwallet",
            "/v1/payments",
            Map.of(
                "merchant_reference",
                "tw-3",
                "amount",
                100,
                "currency",
                "EUR",
                "payment_token",
                tapToken("4000000000009995")));
    assertThat(declined.status()).isEqualTo(200);
    assertThat(declined.body().get("decline_reason").asText()).isEqualTo("insufficient_funds");

    JsonNode stale = tapToken("4242424242424242");
    sim.advance(301);
    SimHarness.Response expired =
        sim.post(
            "tapwallet",
            "/v1/payments",
            Map.of(
                "merchant_reference",
                "tw-4",
                "amount",
                100,
                "currency",
                "EUR",
                "payment_token",
                stale));
    assertThat(expired.body().get("decline_reason").asText()).isEqualTo("expired_token");
  }

  @Test
  void gwallet_panOnlyThreeDsNeedsChallenge_moneyInUnitsAndNanos() throws Exception {
    JsonNode data =
        sim.ok(
            "POST",
            "/providers/gwallet/ops/device-token",
            Map.of("card_number", "4000000000003220", "auth_method", "PAN_ONLY"));
    SimHarness.Response r =
        sim.post(
            "gwallet",
            "/v1/charges",
            Map.of(
                "orderId",
                "gw-1",
                "amount",
                Map.of("currencyCode", "EUR", "units", "12", "nanos", 340_000_000),
                "paymentMethodData",
                Map.of("type", "CARD", "tokenizationData", data.get("tokenizationData"))));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.body().get("state").asText()).isEqualTo("PENDING_AUTHENTICATION");
    String id = r.body().get("chargeId").asText();
    assertThat(sim.truth("gwallet", id).get("amount").asLong()).isEqualTo(1234);
    sim.act("gwallet", id, "authenticate", Map.of("result", "pass"));
    hooks.awaitEvent("gwallet", "charge.succeeded", id, 5_000);

    SimHarness.Response refund =
        sim.post(
            "gwallet",
            "/v1/charges/" + id + ":refund",
            Map.of("amount", Map.of("currencyCode", "EUR", "units", "1", "nanos", 0)));
    assertThat(refund.status()).isEqualTo(200);
    assertThat(sim.truth("gwallet", id).get("net_charged").asLong()).isEqualTo(1134);

    SimHarness.Response fine =
        sim.post(
            "gwallet",
            "/v1/charges",
            Map.of(
                "orderId",
                "gw-2",
                "amount",
                Map.of("currencyCode", "EUR", "units", "1", "nanos", 5),
                "paymentMethodData",
                Map.of("type", "CARD", "tokenizationData", data.get("tokenizationData"))));
    assertThat(fine.status()).isEqualTo(400);
    assertThat(fine.body().at("/error/status").asText()).isEqualTo("INVALID_ARGUMENT");
    assertThat(fine.body().at("/error/details/1/fieldViolations/0/field").asText())
        .isEqualTo("amount.nanos");
  }

  @Test
  void ewallet_approvalNotifiesAndErrorsAre200WithResultStatusF() throws Exception {
    SimHarness.Response r =
        sim.post(
            "ewallet",
            "/v1/payments/pay",
            Map.of(
                "paymentRequestId",
                "ew-1",
                "paymentAmount",
                Map.of("currency", "SGD", "value", "1500"),
                "paymentRedirectUrl",
                "https://shop/x"));
    assertThat(r.body().at("/result/resultStatus").asText()).isEqualTo("U");
    String id = r.body().get("paymentId").asText();
    sim.act("ewallet", id, "approve", null);
    WebhookReceiver.Delivery d = hooks.awaitEvent("ewallet", "notifyPayment", id, 5_000);
    assertThat(d.json().at("/data/object/result/resultCode").asText()).isEqualTo("SUCCESS");
    SimHarness.Response inquiry =
        sim.call(
            "ewallet",
            "POST",
            "/v1/payments/inquiryPayment",
            Map.of("paymentRequestId", "ew-1"),
            null);
    assertThat(inquiry.body().get("paymentStatus").asText()).isEqualTo("SUCCESS");

    SimHarness.Response bad =
        sim.post(
            "ewallet",
            "/v1/payments/pay",
            Map.of(
                "paymentRequestId",
                "ew-2",
                "paymentAmount",
                Map.of("currency", "SGD", "value", "-3"),
                "paymentRedirectUrl",
                "https://shop/x"));
    assertThat(bad.status()).isEqualTo(200);
    assertThat(bad.body().at("/result/resultStatus").asText()).isEqualTo("F");
    assertThat(bad.body().at("/result/resultCode").asText()).isEqualTo("PARAM_ILLEGAL");

    String closed =
        sim.post(
                "ewallet",
                "/v1/payments/pay",
                Map.of(
                    "paymentRequestId",
                    "ew-3",
                    "paymentAmount",
                    Map.of("currency", "SGD", "value", "100"),
                    "paymentRedirectUrl",
                    "https://shop/x"))
            .body()
            .get("paymentId")
            .asText();
    sim.advance(14 * 60);
    assertThat(sim.truth("ewallet", closed).get("failure_code").asText())
        .isEqualTo("ORDER_IS_CLOSED");
  }
}
