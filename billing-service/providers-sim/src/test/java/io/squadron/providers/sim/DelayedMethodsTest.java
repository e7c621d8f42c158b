package io.squadron.providers.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The methods whose outcome comes later, driven by the simulated clock and the payer's actions:
 * carrier billing, SEPA direct debit, bank redirect, buy-now-pay-later, boleto, UPI, Pix, mobile
 * money, bank transfer, gift cards.
 */
class DelayedMethodsTest {
  private static SimHarness sim;
  private static WebhookReceiver hooks;

  @BeforeAll
  static void start() throws Exception {
    hooks = new WebhookReceiver();
    sim = SimHarness.start(13, null, hooks.urlTemplate());
  }

  @AfterAll
  static void stop() {
    sim.close();
    hooks.close();
  }

  private SimHarness.Response carrier(String msisdn, long amount, String ref) {
    return sim.post(
        "carrierbill",
        "/v1/charges",
        Map.of(
            "msisdn",
            msisdn,
            "amount",
            amount,
            "currency",
            "EUR",
            "merchant_ref",
            ref,
            "description",
            "Premium month"));
  }

  @Test
  void carrierbill_pendingThenCharged_monthlyCapPerNumberResetsNextMonth() throws Exception {
    SimHarness.Response first = carrier("+4915112345678", 3000, "cb-1");
    assertThat(first.status()).isEqualTo(202);
    String id = first.body().get("charge_id").asText();
    SimHarness.Response over = carrier("+4915112345678", 2001, "cb-2");
    assertThat(over.status()).isEqualTo(402);
    assertThat(over.body().get("error").asText()).isEqualTo("spend_limit_exceeded");
    assertThat(carrier("+4915199999999", 2001, "cb-other-number").status()).isEqualTo(202);
    sim.advance(5);
    assertThat(sim.truth("carrierbill", id).at("/view/status").asText()).isEqualTo("charged");
    hooks.awaitEvent("carrierbill", "charge.charged", id, 5_000);
    JsonNode spend = sim.get("carrierbill", "/v1/subscribers/+4915112345678/spend").body();
    assertThat(spend.get("remaining").asLong()).isEqualTo(2000);
    sim.advance(32L * 86_400);
    assertThat(carrier("+4915112345678", 5000, "cb-next-month").status()).isEqualTo(202);
  }

  @Test
  void carrierbill_testNumbers_barredAtOnce_insufficientCreditLater() {
    assertThat(carrier("+4915100000001", 100, "cb-barred").body().get("error").asText())
        .isEqualTo("subscriber_barred");
    String id = carrier("+4915100000002", 100, "cb-credit").body().get("charge_id").asText();
    sim.advance(5);
    JsonNode truth = sim.truth("carrierbill", id);
    assertThat(truth.get("phase").asText()).isEqualTo("FAILED");
    assertThat(truth.get("failure_code").asText()).isEqualTo("insufficient_credit");
  }

  private String mandate(String iban) {
    SimHarness.Response r =
        sim.post("sepadebit", "/v1/mandates", Map.of("iban", iban, "account_holder", "Ada L"));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    return r.body().get("id").asText();
  }

  private String debit(String mandate, String e2e) {
    SimHarness.Response r =
        sim.post(
            "sepadebit",
            "/v1/debits",
            Map.of("mandate_id", mandate, "amount", 999, "currency", "EUR", "end_to_end_id", e2e));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    return r.body().get("id").asText();
  }

  @Test
  void sepadebit_confirmsAfterThreeDays_failsWithRCode_returnsAfterSuccess() throws Exception {
    String ok = debit(mandate("DE89 3704 0044 0532 0130 00"), "E2E-OK-1");
    String fails = debit(mandate("DE62370400440532013001"), "E2E-AM04");
    String returned = debit(mandate("DE35370400440532013002"), "E2E-MD06");
    sim.advance(86_400);
    assertThat(sim.truth("sepadebit", ok).at("/view/status").asText()).isEqualTo("submitted");
    sim.advance(2 * 86_400);
    assertThat(sim.truth("sepadebit", ok).get("phase").asText()).isEqualTo("SUCCEEDED");
    assertThat(sim.truth("sepadebit", fails).get("failure_code").asText()).isEqualTo("AM04");
    assertThat(sim.truth("sepadebit", returned).get("phase").asText()).isEqualTo("SUCCEEDED");
    sim.advance(5 * 86_400);
    JsonNode r = sim.truth("sepadebit", returned);
    assertThat(r.get("phase").asText()).isEqualTo("RETURNED");
    assertThat(r.at("/view/return_code").asText()).isEqualTo("MD06");
    assertThat(r.get("net_charged").asLong()).isZero();
    hooks.awaitEvent("sepadebit", "debit.returned", returned, 5_000);

    // the payer's bank returns the good one within 8 weeks; a second one after the window is
    // refused
    assertThat(sim.act("sepadebit", ok, "return", Map.of("code", "MS02")).get("status").asText())
        .isEqualTo("returned");
    String late = debit(mandate("DE89370400440532013000"), "E2E-LATE");
    sim.advance(3 * 86_400 + 57L * 86_400);
    assertThat(
            sim.control(
                    "POST", "/providers/sepadebit/payments/" + late + "/actions/return", Map.of())
                .status())
        .isEqualTo(409);
  }

  @Test
  void sepadebit_invalidIban_is400() {
    SimHarness.Response r =
        sim.post(
            "sepadebit",
            "/v1/mandates",
            Map.of("iban", "DE89370400440532013001", "account_holder", "X"));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().at("/error/code").asText()).isEqualTo("invalid_iban");
  }

  @Test
  void bankredirect_webhookCarriesOnlyTheId_unpaidExpires() throws Exception {
    SimHarness.Response r =
        sim.post(
            "bankredirect",
            "/v1/payments",
            Map.of(
                "amount",
                Map.of("currency", "EUR", "value", "10.00"),
                "description",
                "Order 1",
                "redirectUrl",
                "https://shop/r",
                "reference",
                "br-1"));
    assertThat(r.status()).isEqualTo(201);
    String id = r.body().get("id").asText();
    assertThat(r.body().at("/_links/checkout/href").asText()).contains(id);
    sim.act("bankredirect", id, "pay", null);
    WebhookReceiver.Delivery d = hooks.awaitEvent("bankredirect", "payment.paid", id, 5_000);
    assertThat(d.json().at("/data/object").size()).isEqualTo(1);
    assertThat(sim.get("bankredirect", "/v1/payments/" + id).body().get("status").asText())
        .isEqualTo("paid");
    String unpaid =
        sim.post(
                "bankredirect",
                "/v1/payments",
                Map.of(
                    "amount",
                    Map.of("currency", "EUR", "value", "1.00"),
                    "description",
                    "x",
                    "redirectUrl",
                    "https://shop/r",
                    "reference",
                    "br-2"))
            .body()
            .get("id")
            .asText();
    sim.advance(15 * 60);
    assertThat(sim.truth("bankredirect", unpaid).get("phase").asText()).isEqualTo("EXPIRED");
  }

  private String session(long amount, String email, String ref) {
    return sim.post(
            "paylater",
            "/v1/sessions",
            Map.of(
                "purchase_country",
                "SE",
                "purchase_currency",
                "SEK",
                "order_amount",
                amount,
                "merchant_reference",
                ref,
                "customer",
                Map.of("email", email)))
        .body()
        .get("session_id")
        .asText();
  }

  @Test
  void paylater_approvedSessionBecomesCapturedOrder_declinesByRule() throws Exception {
    String id = session(50_000, "ada@example.com", "pl-1");
    sim.act("paylater", id, "approve", null);
    WebhookReceiver.Delivery approved = hooks.awaitEvent("paylater", "session.approved", id, 5_000);
    String token = approved.json().at("/data/object/authorization_token").asText();
    SimHarness.Response order =
        sim.post(
            "paylater",
            "/v1/authorizations/" + token + "/order",
            Map.of("order_amount", 50_000, "merchant_reference", "pl-1"));
    assertThat(order.status()).isEqualTo(200);
    assertThat(order.body().get("status").asText()).isEqualTo("CAPTURED");
    SimHarness.Response again =
        sim.post(
            "paylater", "/v1/authorizations/" + token + "/order", Map.of("order_amount", 50_000));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body().get("error_code").asText()).isEqualTo("TOKEN_ALREADY_USED");

    String declined = session(50_000, "decline@example.com", "pl-2");
    sim.act("paylater", declined, "approve", null);
    assertThat(sim.truth("paylater", declined).get("failure_code").asText())
        .isEqualTo("credit_check_failed");
    String tooBig = session(PayLaterLimit.OVER, "ada@example.com", "pl-3");
    sim.act("paylater", tooBig, "approve", null);
    assertThat(sim.truth("paylater", tooBig).get("failure_code").asText())
        .isEqualTo("amount_over_limit");
  }

  /** Keeps the test independent of the provider class: the documented limit is 1000.00. */
  private static final class PayLaterLimit {
    static final long OVER = 100_001;
  }

  @Test
  void boleto_paidClearsNextDay_unpaidExpiresAfterGrace() throws Exception {
    String today = isoDate(sim.ok("GET", "/clock", null));
    SimHarness.Response r =
        sim.post(
            "boleto",
            "/v1/boletos",
            Map.of(
                "amount",
                15_990,
                "currency",
                "BRL",
                "due_date",
                java.time.LocalDate.parse(today).plusDays(9).toString(),
                "reference",
                "bo-1",
                "payer",
                Map.of("name", "Joao", "document", "529.982.247-25")));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    assertThat(r.body().get("barcode").asText()).hasSize(44);
    assertThat(r.body().get("digitable_line").asText()).hasSize(47);
    String id = r.body().get("id").asText();
    sim.act("boleto", id, "pay", null);
    assertThat(sim.truth("boleto", id).get("phase").asText()).isEqualTo("PENDING");
    sim.advance(86_400);
    assertThat(sim.truth("boleto", id).get("phase").asText()).isEqualTo("SUCCEEDED");
    hooks.awaitEvent("boleto", "boleto.paid", id, 5_000);

    String unpaid =
        sim.post(
                "boleto",
                "/v1/boletos",
                Map.of(
                    "amount",
                    100,
                    "currency",
                    "BRL",
                    "due_date",
                    isoDate(sim.ok("GET", "/clock", null)),
                    "reference",
                    "bo-2",
                    "payer",
                    Map.of("name", "X", "document", "52998224725")))
            .body()
            .get("id")
            .asText();
    sim.advance(3 * 86_400);
    assertThat(sim.truth("boleto", unpaid).get("phase").asText()).isEqualTo("EXPIRED");
    assertThat(
            sim.control("POST", "/providers/boleto/payments/" + unpaid + "/actions/pay", null)
                .status())
        .isEqualTo(409);
    SimHarness.Response badCpf =
        sim.post(
            "boleto",
            "/v1/boletos",
            Map.of(
                "amount",
                100,
                "currency",
                "BRL",
                "due_date",
                isoDate(sim.ok("GET", "/clock", null)),
                "reference",
                "bo-3",
                "payer",
                Map.of("name", "X", "document", "52998224724")));
    assertThat(badCpf.status()).isEqualTo(400);
    assertThat(badCpf.body().at("/errors/0/field").asText()).isEqualTo("payer.document");
  }

  private static String isoDate(JsonNode clock) {
    return clock.get("now").asText().substring(0, 10);
  }

  @Test
  void upi_collectApprovedDeclinedOrExpired_lookupByMerchantTranId() throws Exception {
    SimHarness.Response r =
        sim.post(
            "upi",
            "/v1/collect",
            Map.of(
                "merchantTranId",
                "upi-1",
                "payerVpa",
                "ada@okbank",
                "amount",
                "499.00",
                "currency",
                "INR"));
    assertThat(r.body().get("status").asText()).isEqualTo("PENDING");
    String id = r.body().get("upiTxnId").asText();
    sim.act("upi", id, "approve", null);
    assertThat(sim.get("upi", "/v1/transactions/upi-1").body().get("status").asText())
        .isEqualTo("SUCCESS");
    hooks.awaitEvent("upi", "collect.success", id, 5_000);

    String declined =
        sim.post(
                "upi",
                "/v1/collect",
                Map.of(
                    "merchantTranId",
                    "upi-2",
                    "payerVpa",
                    "ada@okbank",
                    "amount",
                    "1.00",
                    "currency",
                    "INR"))
            .body()
            .get("upiTxnId")
            .asText();
    sim.act("upi", declined, "decline", null);
    assertThat(sim.truth("upi", declined).get("failure_code").asText()).isEqualTo("ZA");

    String expired =
        sim.post(
                "upi",
                "/v1/collect",
                Map.of(
                    "merchantTranId",
                    "upi-3",
                    "payerVpa",
                    "ada@okbank",
                    "amount",
                    "1.00",
                    "currency",
                    "INR",
                    "expiryMinutes",
                    2))
            .body()
            .get("upiTxnId")
            .asText();
    sim.advance(120);
    assertThat(sim.truth("upi", expired).get("failure_code").asText()).isEqualTo("U69");

    SimHarness.Response invalid =
        sim.post(
            "upi",
            "/v1/collect",
            Map.of(
                "merchantTranId",
                "upi-4",
                "payerVpa",
                "invalid@okbank",
                "amount",
                "1.00",
                "currency",
                "INR"));
    assertThat(invalid.body().get("response").asText()).isEqualTo("ZH");
  }

  @Test
  void pix_qrPaidOrExpired_brCodeHasValidCrc_refundSettlesLater() throws Exception {
    String txid = "pixtxid0000000000000000000001";
    SimHarness.Response r =
        sim.put(
            "pix",
            "/v2/cob/" + txid,
            Map.of(
                "calendario",
                Map.of("expiracao", 600),
                "valor",
                Map.of("original", "25.90"),
                "chave",
                "merchant@pix.example"));
    assertThat(r.status()).as(r.body().toString()).isEqualTo(201);
    String emv = r.body().get("pixCopiaECola").asText();
    assertThat(emv).startsWith("000201").contains("br.gov.bcb.pix").contains("540525.90");
    assertThat(emv.substring(emv.length() - 4))
        .isEqualTo(crc16(emv.substring(0, emv.length() - 4)));
    sim.act("pix", txid, "pay", null);
    WebhookReceiver.Delivery d = hooks.awaitEvent("pix", "pix.received", txid, 5_000);
    String e2e = d.json().at("/data/object/pix/0/endToEndId").asText();
    SimHarness.Response refund =
        sim.put("pix", "/v2/pix/" + e2e + "/devolucao/dev1", Map.of("valor", "5.90"));
    assertThat(refund.status()).as(refund.body() + " for " + e2e).isEqualTo(201);
    assertThat(refund.body().get("status").asText()).isEqualTo("EM_PROCESSAMENTO");
    sim.advance(10);
    assertThat(sim.truth("pix", txid).get("net_charged").asLong()).isEqualTo(2000);

    String expiring = "pixtxid0000000000000000000002";
    sim.put(
        "pix",
        "/v2/cob/" + expiring,
        Map.of(
            "calendario",
            Map.of("expiracao", 60),
            "valor",
            Map.of("original", "1.00"),
            "chave",
            "merchant@pix.example"));
    sim.advance(60);
    assertThat(sim.truth("pix", expiring).at("/view/status").asText())
        .isEqualTo("REMOVIDA_PELO_PSP");
  }

  /** CRC-16/CCITT-FALSE written here independently of the simulator. */
  private static String crc16(String s) {
    int crc = 0xFFFF;
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      for (int i = 0; i < 8; i++) {
        boolean bit = ((b >> (7 - i) & 1) == 1) ^ ((crc >> 15 & 1) == 1);
        crc = (crc << 1) & 0xFFFF;
        if (bit) {
          crc ^= 0x1021;
        }
      }
    }
    return String.format("%04X", crc);
  }

  @Test
  void mobilemoney_callbackResultCodes_queryAnswers500WhileProcessing() throws Exception {
    SimHarness.Response r =
        sim.post(
            "mobilemoney",
            "/v1/stkpush/processrequest",
            Map.of(
                "BusinessShortCode",
                "174379",
                "Amount",
                150,
                "PhoneNumber",
                "254712345678",
                "AccountReference",
                "mm-1",
                "TransactionDesc",
                "Premium"));
    assertThat(r.body().get("ResponseCode").asText()).isEqualTo("0");
    String id = r.body().get("CheckoutRequestID").asText();
    SimHarness.Response pending =
        sim.call(
            "mobilemoney",
            "POST",
            "/v1/stkpushquery/query",
            Map.of("BusinessShortCode", "174379", "CheckoutRequestID", id),
            null);
    assertThat(pending.status()).isEqualTo(500);
    assertThat(pending.body().get("errorCode").asText()).isEqualTo("500.001.1001");
    sim.act("mobilemoney", id, "approve", null);
    WebhookReceiver.Delivery d = hooks.awaitEvent("mobilemoney", "stkCallback", id, 5_000);
    assertThat(d.json().at("/data/object/Body/stkCallback/ResultCode").asInt()).isZero();
    assertThat(d.json().at("/data/object/Body/stkCallback/CallbackMetadata/Item/0/Value").asLong())
        .isEqualTo(150);

    String poor =
        sim.post(
                "mobilemoney",
                "/v1/stkpush/processrequest",
                Map.of(
                    "BusinessShortCode",
                    "174379",
                    "Amount",
                    10,
                    "PhoneNumber",
                    "254700000001",
                    "AccountReference",
                    "mm-2",
                    "TransactionDesc",
                    "x"))
            .body()
            .get("CheckoutRequestID")
            .asText();
    sim.act("mobilemoney", poor, "approve", null);
    assertThat(sim.truth("mobilemoney", poor).get("failure_code").asText()).isEqualTo("1");
    String unreachable =
        sim.post(
                "mobilemoney",
                "/v1/stkpush/processrequest",
                Map.of(
                    "BusinessShortCode",
                    "174379",
                    "Amount",
                    10,
                    "PhoneNumber",
                    "254700000002",
                    "AccountReference",
                    "mm-3",
                    "TransactionDesc",
                    "x"))
            .body()
            .get("CheckoutRequestID")
            .asText();
    sim.advance(60);
    assertThat(sim.truth("mobilemoney", unreachable).get("failure_code").asText())
        .isEqualTo("1037");
  }

  @Test
  void banktransfer_matchedByReference_partialThenPaid_unmatchedKept_overdue() throws Exception {
    SimHarness.Response r =
        sim.post(
            "banktransfer",
            "/v1/invoices",
            Map.of(
                "amount", 10_000, "currency", "EUR", "reference", "INV-2026-0001", "due_days", 10));
    assertThat(r.status()).isEqualTo(201);
    String id = r.body().get("invoice_id").asText();
    String rf = r.body().at("/payment_instructions/remittance_reference").asText();
    assertThat(rf).startsWith("RF");
    sim.act("banktransfer", id, "transfer", Map.of("amount", 4_000));
    sim.advance(86_400);
    assertThat(sim.truth("banktransfer", id).at("/view/status").asText())
        .isEqualTo("partially_paid");
    sim.act(
        "banktransfer", id, "transfer", Map.of("amount", 6_000, "reference", " inv-2026-0001 "));
    sim.advance(86_400);
    assertThat(sim.truth("banktransfer", id).get("phase").asText()).isEqualTo("SUCCEEDED");
    hooks.awaitEvent("banktransfer", "invoice.paid", id, 5_000);

    JsonNode unmatched =
        sim.ok(
            "POST",
            "/providers/banktransfer/ops/incoming-transfer",
            Map.of("amount", 777, "currency", "EUR", "reference", "NO SUCH INVOICE"));
    assertThat(unmatched.get("matched_invoice").isNull()).isTrue();
    String date = isoDate(sim.ok("GET", "/clock", null));
    JsonNode statement = sim.get("banktransfer", "/v1/statements?date=" + date).body();
    assertThat(statement.get("entries").toString()).contains("NO SUCH INVOICE");

    String overdue =
        sim.post(
                "banktransfer",
                "/v1/invoices",
                Map.of(
                    "amount", 100, "currency", "EUR", "reference", "INV-2026-0002", "due_days", 1))
            .body()
            .get("invoice_id")
            .asText();
    sim.advance(86_400);
    assertThat(sim.truth("banktransfer", overdue).at("/view/status").asText()).isEqualTo("overdue");
  }

  @Test
  void giftcard_partialRedemptionForSplitTender_reversalRestoresBalance() {
    JsonNode issued =
        sim.ok("POST", "/providers/giftcard/ops/issue", Map.of("balance", 1500, "currency", "EUR"));
    String code = issued.get("code").asText();
    SimHarness.Response all =
        sim.post(
            "giftcard",
            "/v1/redemptions",
            Map.of("code", code, "amount", 2000, "currency", "EUR", "reference", "gc-1"));
    assertThat(all.status()).isEqualTo(402);
    assertThat(all.body().at("/error/code").asText()).isEqualTo("insufficient_balance");
    SimHarness.Response partial =
        sim.post(
            "giftcard",
            "/v1/redemptions",
            Map.of(
                "code",
                code,
                "amount",
                2000,
                "currency",
                "EUR",
                "reference",
                "gc-2",
                "allow_partial",
                true));
    assertThat(partial.status()).isEqualTo(201);
    assertThat(partial.body().get("redeemed_amount").asLong()).isEqualTo(1500);
    assertThat(partial.body().get("remaining_balance").asLong()).isZero();
    String id = partial.body().get("redemption_id").asText();
    SimHarness.Response reversed =
        sim.post("giftcard", "/v1/redemptions/" + id + "/reverse", Map.of());
    assertThat(reversed.body().get("remaining_balance").asLong()).isEqualTo(1500);
    assertThat(
            sim.get("giftcard", "/v1/cards/" + code + "/balance")
                .body()
                .at("/balance/amount")
                .asLong())
        .isEqualTo(1500);
    assertThat(
            sim.post(
                    "giftcard",
                    "/v1/redemptions",
                    Map.of(
                        "code",
                        "GC-EXPIRED-0005",
                        "amount",
                        1,
                        "currency",
                        "EUR",
                        "reference",
                        "gc-3"))
                .body()
                .at("/error/code")
                .asText())
        .isEqualTo("card_expired");
  }
}
