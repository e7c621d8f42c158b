package io.squadron.providers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * cardpay (payment intents, 3-D Secure) and acquirex (authorise, capture, 7-day expiry), at their
 * HTTP edge.
 */
class CardProvidersTest {
  private static SimHarness sim;
  private static WebhookReceiver hooks;

  @BeforeAll
  static void start() throws Exception {
    hooks = new WebhookReceiver();
    sim = SimHarness.start(11, null, hooks.urlTemplate());
  }

  @AfterAll
  static void stop() {
    sim.close();
    hooks.close();
  }

  private String cardpayMethod(String number) {
    SimHarness.Response r =
        sim.post(
            "cardpay",
            "/v1/payment_methods",
            Map.of(
                "type",
                "card",
                "card",
                Map.of("number", number, "exp_month", 12, "exp_year", 2030, "cvc", "123")));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.body().get("id").asText();
  }

  private SimHarness.Response intent(String pm, long amount, String reference) {
    return sim.post(
        "cardpay",
        "/v1/payment_intents",
        Map.of(
            "amount",
            amount,
            "currency",
            "eur",
            "payment_method",
            pm,
            "reference",
            reference,
            "return_url",
            "https://shop.example/return"));
  }

  @Test
  void cardpay_successCard_capturesAtOnceAndSignsEvent() throws Exception {
    SimHarness.Response r = intent(cardpayMethod("4242424242424242"), 1999, "cp-ok-1");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("status").asText()).isEqualTo("succeeded");
    assertThat(r.body().get("amount_received").asLong()).isEqualTo(1999);
    String id = r.body().get("id").asText();
    JsonNode truth = sim.truth("cardpay", id);
    assertThat(truth.get("phase").asText()).isEqualTo("SUCCEEDED");
    assertThat(truth.get("movements").get(0).get("fee").asLong())
        .isEqualTo(1999 * 140 / 10_000 + 25);

    WebhookReceiver.Delivery d = hooks.awaitEvent("cardpay", "payment_intent.succeeded", id, 5_000);
    assertThat(d.path()).isEqualTo("/webhooks/cardpay");
    assertThat(d.json().at("/data/object/id").asText()).isEqualTo(id);
    String secret = sim.ok("GET", "/credentials", null).at("/cardpay/webhook_secrets/0").asText();
    assertThat(WebhookReceiver.verify(d.signature(), d.body(), secret)).isTrue();
    assertThat(d.body()).doesNotContain("4242424242424242");
  }

  @Test
  void cardpay_declineCards_answer402WithDeclineCode() {
    Map<String, String> cards =
        Map.of(
            "4000000000009995",
            "insufficient_funds",
            "4000000000000002",
            "generic_decline",
            "4000000000000069",
            "expired_card",
            "4000000000000127",
            "incorrect_cvc",
            "4100000000000019",
            "fraudulent",
            "4000000000000119",
            "processing_error");
    cards.forEach(
        (number, code) -> {
          SimHarness.Response r = intent(cardpayMethod(number), 500, "cp-decline-" + number);
          assertThat(r.status()).as(number).isEqualTo(402);
          assertThat(r.body().at("/error/decline_code").asText()).as(number).isEqualTo(code);
          assertThat(r.body().at("/error/payment_intent/status").asText())
              .isEqualTo("requires_payment_method");
        });
  }

  @Test
  void cardpay_invalidCardNumber_is400NamingTheField() {
    SimHarness.Response r =
        sim.post(
            "cardpay",
            "/v1/payment_methods",
            Map.of(
                "card", Map.of("number", "4242424242424241", "exp_month", 12, "exp_year", 2030)));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().at("/error/code").asText()).isEqualTo("invalid_number");
    assertThat(r.body().at("/error/param").asText()).isEqualTo("card.number");
    assertThat(r.raw().body()).doesNotContain("4242424242424241");
  }

  @Test
  void cardpay_threeDsCard_requiresActionThenPassFailOrAbandon() throws Exception {
    String pm = cardpayMethod("4000000000003220");
    SimHarness.Response pass = intent(pm, 700, "cp-3ds-pass");
    assertThat(pass.body().get("status").asText()).isEqualTo("requires_action");
    assertThat(pass.body().at("/next_action/redirect_to_url/url").asText())
        .startsWith(sim.url() + "/cardpay/3ds/");
    String passId = pass.body().get("id").asText();
    assertThat(
            sim.act("cardpay", passId, "authenticate", Map.of("result", "pass"))
                .get("status")
                .asText())
        .isEqualTo("succeeded");

    String failId = intent(pm, 700, "cp-3ds-fail").body().get("id").asText();
    JsonNode failed = sim.act("cardpay", failId, "authenticate", Map.of("result", "fail"));
    assertThat(failed.at("/last_payment_error/decline_code").asText())
        .isEqualTo("authentication_failed");

    String alwaysFails =
        intent(cardpayMethod("4000008400001629"), 700, "cp-3ds-always").body().get("id").asText();
    assertThat(
            sim.act("cardpay", alwaysFails, "authenticate", Map.of("result", "pass"))
                .get("status")
                .asText())
        .isEqualTo("requires_payment_method");

    String abandoned = intent(pm, 700, "cp-3ds-abandon").body().get("id").asText();
    sim.advance(3_601);
    assertThat(sim.truth("cardpay", abandoned).at("/view/status").asText()).isEqualTo("canceled");
    assertThat(sim.truth("cardpay", abandoned).at("/view/cancellation_reason").asText())
        .isEqualTo("abandoned");
    hooks.awaitEvent("cardpay", "payment_intent.canceled", abandoned, 5_000);
  }

  @Test
  void cardpay_refund_partialThenTooLarge() {
    String id =
        intent(cardpayMethod("5555555555554444"), 1000, "cp-refund").body().get("id").asText();
    SimHarness.Response refund =
        sim.post("cardpay", "/v1/refunds", Map.of("payment_intent", id, "amount", 400));
    assertThat(refund.status()).isEqualTo(200);
    assertThat(refund.body().get("status").asText()).isEqualTo("succeeded");
    SimHarness.Response tooMuch =
        sim.post("cardpay", "/v1/refunds", Map.of("payment_intent", id, "amount", 601));
    assertThat(tooMuch.status()).isEqualTo(400);
    assertThat(tooMuch.body().at("/error/code").asText()).isEqualTo("amount_too_large");
    assertThat(sim.truth("cardpay", id).get("net_charged").asLong()).isEqualTo(600);
  }

  private String vault(String number) {
    SimHarness.Response r =
        sim.post(
            "acquirex",
            "/v2/vault/cards",
            Map.of("cardNumber", number, "expiryMonth", 3, "expiryYear", 2030, "cvc", "737"));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.body().get("recurringDetailReference").asText();
  }

  private JsonNode authorise(String token, long value, String reference) {
    SimHarness.Response r =
        sim.post(
            "acquirex",
            "/v2/authorisations",
            Map.of(
                "merchantReference",
                reference,
                "amount",
                Map.of("value", value, "currency", "EUR"),
                "paymentMethod",
                Map.of("recurringDetailReference", token)));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.body();
  }

  @Test
  void acquirex_captureIsConfirmedAsynchronouslyAndPartial() throws Exception {
    JsonNode auth = authorise(vault("4242424242424242"), 5000, "ax-capture");
    assertThat(auth.get("resultCode").asText()).isEqualTo("Authorised");
    String psp = auth.get("pspReference").asText();
    SimHarness.Response over =
        sim.post(
            "acquirex",
            "/v2/authorisations/" + psp + "/captures",
            Map.of("amount", Map.of("value", 5001, "currency", "EUR")));
    assertThat(over.status()).isEqualTo(422);
    SimHarness.Response capture =
        sim.post(
            "acquirex",
            "/v2/authorisations/" + psp + "/captures",
            Map.of("amount", Map.of("value", 4000, "currency", "EUR")));
    assertThat(capture.body().get("status").asText()).isEqualTo("received");
    assertThat(sim.truth("acquirex", psp).get("phase").asText()).isEqualTo("AUTHORIZED");
    sim.advance(60);
    JsonNode truth = sim.truth("acquirex", psp);
    assertThat(truth.at("/view/status").asText()).isEqualTo("CAPTURED");
    assertThat(truth.get("captured_amount").asLong()).isEqualTo(4000);
    WebhookReceiver.Delivery d = hooks.awaitEvent("acquirex", "CAPTURE", psp, 5_000);
    assertThat(d.json().at("/data/object/success").asText()).isEqualTo("true");
  }

  @Test
  void acquirex_authorisationExpiresAfterSevenDays() throws Exception {
    String psp =
        authorise(vault("4242424242424242"), 1200, "ax-expire").get("pspReference").asText();
    sim.advance(7 * 86_400 - 1);
    assertThat(sim.truth("acquirex", psp).at("/view/status").asText()).isEqualTo("AUTHORISED");
    sim.advance(1);
    assertThat(sim.truth("acquirex", psp).at("/view/status").asText()).isEqualTo("EXPIRED");
    SimHarness.Response late =
        sim.post(
            "acquirex",
            "/v2/authorisations/" + psp + "/captures",
            Map.of("amount", Map.of("value", 1200, "currency", "EUR")));
    assertThat(late.status()).isEqualTo(422);
    assertThat(late.body().get("errorCode").asText()).isEqualTo("authorisation_expired");
    hooks.awaitEvent("acquirex", "AUTHORISATION_EXPIRED", psp, 5_000);
  }

  @Test
  void acquirex_refusedCardsAnswer200WithRefusalReason_andCancelVoids() {
    JsonNode refused = authorise(vault("4000000000009995"), 100, "ax-refused");
    assertThat(refused.get("resultCode").asText()).isEqualTo("Refused");
    assertThat(refused.get("refusalReason").asText()).isEqualTo("Not enough balance");
    JsonNode threeDs = authorise(vault("4000000000003220"), 100, "ax-3ds");
    assertThat(threeDs.get("refusalReasonCode").asText()).isEqualTo("11");

    String psp =
        authorise(vault("4242424242424242"), 100, "ax-cancel").get("pspReference").asText();
    assertThat(sim.post("acquirex", "/v2/authorisations/" + psp + "/cancels", Map.of()).status())
        .isEqualTo(200);
    assertThat(sim.truth("acquirex", psp).get("phase").asText()).isEqualTo("CANCELED");
    assertThat(
            sim.post(
                    "acquirex",
                    "/v2/authorisations/" + psp + "/captures",
                    Map.of("amount", Map.of("value", 100, "currency", "EUR")))
                .status())
        .isEqualTo(422);
  }
}
