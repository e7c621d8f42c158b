package io.squadron.billing.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.squadron.proto.billing.v1.BillingErrorReason;
import io.squadron.proto.billing.v1.BoletoDetails;
import io.squadron.proto.billing.v1.CancelPaymentRequest;
import io.squadron.proto.billing.v1.CarrierBillingDetails;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.FailureReason;
import io.squadron.proto.billing.v1.GWalletDetails;
import io.squadron.proto.billing.v1.GiftCardDetails;
import io.squadron.proto.billing.v1.MobileMoneyDetails;
import io.squadron.proto.billing.v1.NextAction;
import io.squadron.proto.billing.v1.PayLaterDetails;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.billing.v1.RefundPaymentRequest;
import io.squadron.proto.billing.v1.SepaDebitDetails;
import io.squadron.proto.billing.v1.TapWalletDetails;
import io.squadron.proto.billing.v1.UpiDetails;
import io.squadron.testkit.ProvidersSimExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every provider's happy path and its own failure modes, through billing's one API, with the
 * simulator playing the payer (approvals, PINs, transfers, vouchers) and its clock (confirmations,
 * expiries). Settled payments are checked against the provider's truth; the ledger stays balanced.
 */
class ProviderFlowsTest {
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

  private Payment create(CreatePaymentRequest.Builder request) {
    return f.stub().createPayment(request.build()).getPayment();
  }

  private CreatePaymentRequest.Builder request(
      long amount, String currency, String country, PaymentMethod m) {
    return f.request(customer, amount, currency, country, m);
  }

  private static PaymentMethod type(PaymentMethodType t) {
    return PaymentMethod.newBuilder().setType(t).build();
  }

  private Payment declined(CreatePaymentRequest.Builder request) {
    return ProviderFlowsTestSupport.declinedPayment(
        assertThatCall(() -> f.stub().createPayment(request.build()))
            .hasCode(Status.Code.FAILED_PRECONDITION)
            .hasReason(BillingErrorReason.PAYMENT_DECLINED)
            .error());
  }

  private Payment settled(Payment p) {
    Payment done = f.await(p.getId(), PaymentStatus.SUCCEEDED);
    f.assertMatchesProvider(done);
    return done;
  }

  // ---- cardpay
  // ---------------------------------------------------------------------------------------------------

  @Test
  void cardpay_threeDsFailed_failsWithAuthenticationFailed() {
    Payment p = create(request(1500, "EUR", "SE", f.card("4000008400001629", "cardpay")));
    f.act("cardpay", p.getProviderReference(), "authenticate", "{\"result\":\"pass\"}");
    Payment failed = f.await(p.getId(), PaymentStatus.FAILED);
    assertThat(failed.getFailure().getReason()).isEqualTo(FailureReason.AUTHENTICATION_FAILED);
  }

  @Test
  void cardpay_declines_normalizeTheirReasons() {
    assertThat(
            declined(request(1500, "EUR", "SE", f.card("4100000000000019", "cardpay")))
                .getFailure()
                .getReason())
        .isEqualTo(FailureReason.FRAUD_SUSPECTED);
    assertThat(
            declined(request(1500, "EUR", "SE", f.card("4000000000000127", "cardpay")))
                .getFailure()
                .getReason())
        .isEqualTo(FailureReason.INCORRECT_CREDENTIALS);
  }

  // ---- acquirex
  // --------------------------------------------------------------------------------------------------

  @Test
  void acquirex_automaticCapture_followsTheAuthorisation_andSettlesByTheCaptureEvent() {
    Payment p = create(request(3000, "USD", "US", f.card("5555555555554444", "acquirex")));
    assertThat(p.getStatus()).isEqualTo(PaymentStatus.PROCESSING);
    f.advance(Duration.ofSeconds(61));
    assertThat(settled(p).getAmountCaptured()).isEqualTo(3000);
  }

  @Test
  void acquirex_refusals_areDeclinesWithTheirReasons() {
    assertThat(
            declined(request(1500, "USD", "US", f.card("4000000000000069", "acquirex")))
                .getFailure()
                .getReason())
        .isEqualTo(FailureReason.EXPIRED_INSTRUMENT);
    Payment threeDs = declined(request(1500, "USD", "US", f.card("4000000000003220", "acquirex")));
    assertThat(threeDs.getFailure().getProviderCode()).isEqualTo("3d_not_authenticated");
  }

  // ---- paywallet
  // -------------------------------------------------------------------------------------------------

  @Test
  void paywallet_approvedOrder_isCapturedByBilling() {
    Payment p = create(request(2599, "EUR", "SE", type(PaymentMethodType.PAYWALLET)));
    assertThat(p.getNextAction().getRedirectToUrl().getUrl()).contains("/paywallet/checkoutnow");
    f.act("paywallet", p.getProviderReference(), "approve", null);
    assertThat(settled(p).getAmountCaptured()).isEqualTo(2599);
  }

  @Test
  void paywallet_instrumentDeclinedAtCapture_fails_andPayerCancel_cancels() {
    f.control(
        "PUT",
        "/providers/paywallet/faults",
        "{\"decline\": {\"rate\": 1.0, \"codes\": [\"PAYER_CANNOT_PAY\"]}}");
    Payment p = create(request(1000, "EUR", "SE", type(PaymentMethodType.PAYWALLET)));
    f.act("paywallet", p.getProviderReference(), "approve", null);
    Payment failed = f.await(p.getId(), PaymentStatus.FAILED);
    assertThat(failed.getFailure().getProviderCode()).isEqualTo("PAYER_CANNOT_PAY");
    Payment q = create(request(1000, "EUR", "SE", type(PaymentMethodType.PAYWALLET)));
    f.act("paywallet", q.getProviderReference(), "cancel", null);
    assertThat(f.await(q.getId(), PaymentStatus.CANCELED).getFailure().getReason())
        .isEqualTo(FailureReason.PAYER_CANCELED);
  }

  // ---- device wallets
  // --------------------------------------------------------------------------------------------

  private PaymentMethod tapToken(String card) {
    JsonNode t =
        BillingFixture.json(
                f.control(
                    "POST",
                    "/providers/tapwallet/ops/device-token",
                    "{\"card_number\": \"" + card + "\"}"))
            .path("payment_token");
    return PaymentMethod.newBuilder()
        .setType(PaymentMethodType.TAPWALLET)
        .setTapwallet(
            TapWalletDetails.newBuilder()
                .setPaymentData(t.path("paymentData").asText())
                .setTransactionIdentifier(t.path("transactionIdentifier").asText()))
        .build();
  }

  @Test
  void tapwallet_succeedsOnce_aUsedTokenAndADeclinedCardFail() {
    PaymentMethod token = tapToken("4242424242424242");
    Payment p = create(request(1200, "EUR", "SE", token));
    assertThat(p.getStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    f.assertMatchesProvider(p);
    assertThat(declined(request(1200, "EUR", "SE", token)).getFailure().getProviderCode())
        .isEqualTo("token_already_used");
    assertThat(
            declined(request(1200, "EUR", "SE", tapToken("4000000000009995")))
                .getFailure()
                .getReason())
        .isEqualTo(FailureReason.INSUFFICIENT_FUNDS);
  }

  private PaymentMethod gToken(String card, String authMethod) {
    JsonNode t =
        BillingFixture.json(
                f.control(
                    "POST",
                    "/providers/gwallet/ops/device-token",
                    "{\"card_number\": \"" + card + "\", \"auth_method\": \"" + authMethod + "\"}"))
            .path("tokenizationData");
    return PaymentMethod.newBuilder()
        .setType(PaymentMethodType.GWALLET)
        .setGwallet(
            GWalletDetails.newBuilder()
                .setTokenizationType(t.path("type").asText())
                .setToken(t.path("token").asText()))
        .build();
  }

  @Test
  void gwallet_cryptogramSucceeds_panOnlyThreeDsNeedsTheChallenge() {
    Payment p = create(request(1234, "EUR", "SE", gToken("4242424242424242", "CRYPTOGRAM_3DS")));
    assertThat(p.getStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    f.assertMatchesProvider(p);
    Payment q = create(request(1234, "EUR", "SE", gToken("4000000000003220", "PAN_ONLY")));
    assertThat(q.getNextAction().getActionCase())
        .isEqualTo(NextAction.ActionCase.THREE_DS_CHALLENGE);
    f.act("gwallet", q.getProviderReference(), "authenticate", "{\"result\":\"pass\"}");
    settled(q);
  }

  // ---- carrier billing
  // -------------------------------------------------------------------------------------------

  private static PaymentMethod phoneBill(String msisdn) {
    return PaymentMethod.newBuilder()
        .setType(PaymentMethodType.CARRIER_BILLING)
        .setCarrierBilling(CarrierBillingDetails.newBuilder().setMsisdn(msisdn))
        .build();
  }

  @Test
  void carrierbill_operatorConfirms_barredAndOverTheCapFail() {
    Payment p = create(request(499, "EUR", "DE", phoneBill("+4915112340099")));
    assertThat(p.getStatus()).isEqualTo(PaymentStatus.PROCESSING);
    f.advance(Duration.ofSeconds(6));
    settled(p);
    assertThat(
            declined(request(499, "EUR", "DE", phoneBill("+4915112340001")))
                .getFailure()
                .getReason())
        .isEqualTo(FailureReason.INSTRUMENT_BLOCKED);
    f.control("POST", "/providers/carrierbill/ops/spend-cap", "{\"monthly_cap\": 100}");
    assertThat(
            declined(request(499, "EUR", "DE", phoneBill("+4915112340098")))
                .getFailure()
                .getReason())
        .isEqualTo(FailureReason.LIMIT_EXCEEDED);
    f.control("POST", "/providers/carrierbill/ops/spend-cap", "{\"monthly_cap\": 5000}");
  }

  // ---- SEPA direct debit
  // -----------------------------------------------------------------------------------------

  private static PaymentMethod sepa(String iban) {
    return PaymentMethod.newBuilder()
        .setType(PaymentMethodType.SEPA_DEBIT)
        .setSepaDebit(SepaDebitDetails.newBuilder().setIban(iban).setAccountHolder("Ada Lovelace"))
        .build();
  }

  @Test
  void sepadebit_confirmsDaysLater_andAFailedDebitCarriesItsRCode() {
    Payment ok = create(request(4900, "EUR", "DE", sepa("DE89370400440532013000")));
    Payment bad = create(request(4900, "EUR", "DE", sepa("DE62370400440532013001")));
    assertThat(ok.getStatus()).isEqualTo(PaymentStatus.PROCESSING);
    assertThat(ok.getInstrumentSummary()).isEqualTo("IBAN DE ...3000");
    f.advance(Duration.ofDays(3));
    settled(ok);
    Payment failed = f.await(bad.getId(), PaymentStatus.FAILED);
    assertThat(failed.getFailure().getProviderCode()).isEqualTo("AM04");
    assertThat(failed.getFailure().getReason()).isEqualTo(FailureReason.INSUFFICIENT_FUNDS);
  }

  // ---- bank redirect
  // ---------------------------------------------------------------------------------------------

  @Test
  void bankredirect_paid_failed_andExpired_knownByFetchingOnItsIdOnlyCallback() {
    Payment paid = create(request(1000, "EUR", "NL", type(PaymentMethodType.BANK_REDIRECT)));
    assertThat(paid.getNextAction().getRedirectToUrl().getUrl())
        .contains("/bankredirect/checkout/");
    f.act("bankredirect", paid.getProviderReference(), "pay", null);
    settled(paid);
    Payment failed = create(request(1000, "EUR", "NL", type(PaymentMethodType.BANK_REDIRECT)));
    f.act("bankredirect", failed.getProviderReference(), "fail", null);
    f.await(failed.getId(), PaymentStatus.FAILED);
    Payment expired = create(request(1000, "EUR", "NL", type(PaymentMethodType.BANK_REDIRECT)));
    f.advance(Duration.ofMinutes(16));
    assertThat(f.await(expired.getId(), PaymentStatus.CANCELED).getFailure().getReason())
        .isEqualTo(FailureReason.EXPIRED);
  }

  // ---- pay later
  // -------------------------------------------------------------------------------------------------

  @Test
  void paylater_approvalBecomesAnOrder_andTheCreditCheckDeclines() {
    Payment p = create(request(9900, "SEK", "SE", type(PaymentMethodType.PAYLATER)));
    f.act("paylater", p.getProviderReference(), "approve", null);
    assertThat(settled(p).getAmountCaptured()).isEqualTo(9900);
    Payment q =
        create(
            request(
                9900,
                "SEK",
                "SE",
                PaymentMethod.newBuilder()
                    .setType(PaymentMethodType.PAYLATER)
                    .setPaylater(PayLaterDetails.newBuilder().setEmail("decline@example.com"))
                    .build()));
    f.act("paylater", q.getProviderReference(), "approve", null);
    assertThat(f.await(q.getId(), PaymentStatus.FAILED).getFailure().getProviderCode())
        .isEqualTo("credit_check_failed");
  }

  // ---- boleto
  // ----------------------------------------------------------------------------------------------------

  private static PaymentMethod boleto(String cpf) {
    return PaymentMethod.newBuilder()
        .setType(PaymentMethodType.BOLETO)
        .setBoleto(BoletoDetails.newBuilder().setPayerName("Ana Souza").setPayerDocument(cpf))
        .build();
  }

  @Test
  void boleto_paidAndCleared_orExpiredUnpaid() {
    Payment paid = create(request(15_000, "BRL", "BR", boleto("529.982.247-25")));
    assertThat(paid.getNextAction().getDisplayVoucher().getBarcode()).hasSize(44);
    Payment unpaid = create(request(15_000, "BRL", "BR", boleto("529.982.247-25")));
    f.act("boleto", paid.getProviderReference(), "pay", null);
    f.advance(Duration.ofDays(1).plusMinutes(1));
    settled(paid);
    f.advance(Duration.ofDays(6));
    assertThat(f.await(unpaid.getId(), PaymentStatus.CANCELED).getFailure().getReason())
        .isEqualTo(FailureReason.EXPIRED);
    assertThatCall(
            () ->
                f.stub()
                    .createPayment(request(15_000, "BRL", "BR", boleto("111.111.111-11")).build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("payment_method.boleto.payer_document");
  }

  // ---- UPI
  // -------------------------------------------------------------------------------------------------------

  private static PaymentMethod upi(String vpa) {
    return PaymentMethod.newBuilder()
        .setType(PaymentMethodType.UPI)
        .setUpi(UpiDetails.newBuilder().setVpa(vpa))
        .build();
  }

  @Test
  void upi_approvedOnThePhone_insufficientFundsAndExpiry() {
    Payment p = create(request(49_900, "INR", "IN", upi("ada@okbank")));
    assertThat(p.getNextAction().getActionCase())
        .isEqualTo(NextAction.ActionCase.APPROVE_ON_DEVICE);
    f.act("upi", p.getProviderReference(), "approve", null);
    settled(p);
    Payment poor = create(request(49_900, "INR", "IN", upi("poor.ada@okbank")));
    f.act("upi", poor.getProviderReference(), "approve", null);
    assertThat(f.await(poor.getId(), PaymentStatus.FAILED).getFailure().getReason())
        .isEqualTo(FailureReason.INSUFFICIENT_FUNDS);
    Payment late = create(request(49_900, "INR", "IN", upi("late@okbank")));
    f.advance(Duration.ofMinutes(6));
    f.await(late.getId(), PaymentStatus.CANCELED);
  }

  // ---- Pix
  // -------------------------------------------------------------------------------------------------------

  @Test
  void pix_paidByQrCode_refundedInPart_orExpired() {
    Payment p = create(request(5000, "BRL", "BR", type(PaymentMethodType.PIX)));
    assertThat(p.getNextAction().getDisplayQrCode().getPayload()).startsWith("000201");
    Payment late = create(request(5000, "BRL", "BR", type(PaymentMethodType.PIX)));
    f.act("pix", p.getProviderReference(), "pay", null);
    settled(p);
    Payment refunded =
        f.stub()
            .refundPayment(
                RefundPaymentRequest.newBuilder()
                    .setIdempotencyKey(BillingFixture.key("refund"))
                    .setPaymentId(p.getId())
                    .setAmount(1000)
                    .build())
            .getPayment();
    assertThat(refunded.getStatus()).isEqualTo(PaymentStatus.PARTIALLY_REFUNDED);
    f.advance(Duration.ofHours(2));
    f.await(late.getId(), PaymentStatus.CANCELED);
    f.assertMatchesProvider(refunded);
  }

  // ---- e-wallet
  // --------------------------------------------------------------------------------------------------

  @Test
  void ewallet_confirmedInTheApp_orRejectedByThePayer() {
    Payment p = create(request(1500, "SGD", "SG", type(PaymentMethodType.EWALLET)));
    f.act("ewallet", p.getProviderReference(), "approve", null);
    settled(p);
    Payment q = create(request(1500, "SGD", "SG", type(PaymentMethodType.EWALLET)));
    f.act("ewallet", q.getProviderReference(), "decline", null);
    assertThat(f.await(q.getId(), PaymentStatus.FAILED).getFailure().getReason())
        .isEqualTo(FailureReason.PAYER_CANCELED);
    Payment r = create(request(1500, "SGD", "SG", type(PaymentMethodType.EWALLET)));
    Payment canceled =
        f.stub()
            .cancelPayment(
                CancelPaymentRequest.newBuilder()
                    .setIdempotencyKey(BillingFixture.key("cancel"))
                    .setPaymentId(r.getId())
                    .build())
            .getPayment();
    assertThat(canceled.getStatus()).isEqualTo(PaymentStatus.CANCELED);
  }

  // ---- gift cards
  // ------------------------------------------------------------------------------------------------

  private static PaymentMethod gift(String code, boolean partial) {
    return PaymentMethod.newBuilder()
        .setType(PaymentMethodType.GIFT_CARD)
        .setGiftCard(GiftCardDetails.newBuilder().setCode(code).setAllowPartial(partial))
        .build();
  }

  @Test
  void giftcard_redeemsInFull_refusesTooLittleBalanceAndBlockedCards() {
    String code =
        BillingFixture.json(
                f.control(
                    "POST",
                    "/providers/giftcard/ops/issue",
                    "{\"balance\": 3000, \"currency\": \"EUR\"}"))
            .path("code")
            .asText();
    Payment p = create(request(2000, "EUR", "SE", gift(code, false)));
    assertThat(p.getStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    f.assertMatchesProvider(p);
    assertThat(declined(request(2000, "EUR", "SE", gift(code, false))).getFailure().getReason())
        .isEqualTo(FailureReason.INSUFFICIENT_FUNDS);
    assertThat(
            declined(request(2000, "EUR", "SE", gift("GC-BLOCKED-0006", false)))
                .getFailure()
                .getReason())
        .isEqualTo(FailureReason.INSTRUMENT_BLOCKED);
  }

  // ---- mobile money
  // ----------------------------------------------------------------------------------------------

  private static PaymentMethod mpesa(String phone) {
    return PaymentMethod.newBuilder()
        .setType(PaymentMethodType.MOBILE_MONEY)
        .setMobileMoney(MobileMoneyDetails.newBuilder().setPhone(phone))
        .build();
  }

  @Test
  void mobilemoney_pinApproved_wrongPin_unreachablePhoneTimesOut_andOnlyWholeShillings() {
    Payment p = create(request(10_000, "KES", "KE", mpesa("254712345678")));
    f.act("mobilemoney", p.getProviderReference(), "approve", null);
    settled(p);
    Payment wrong = create(request(10_000, "KES", "KE", mpesa("254712345679")));
    f.act("mobilemoney", wrong.getProviderReference(), "wrong_pin", null);
    assertThat(f.await(wrong.getId(), PaymentStatus.FAILED).getFailure().getReason())
        .isEqualTo(FailureReason.INCORRECT_CREDENTIALS);
    Payment unreachable = create(request(10_000, "KES", "KE", mpesa("254712340002")));
    f.advance(Duration.ofSeconds(61));
    assertThat(f.await(unreachable.getId(), PaymentStatus.CANCELED).getFailure().getReason())
        .isEqualTo(FailureReason.EXPIRED);
    assertThatCall(
            () ->
                f.stub().createPayment(request(10_050, "KES", "KE", mpesa("254712345678")).build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasReason(BillingErrorReason.METHOD_NOT_AVAILABLE)
        .hasBadField("amount");
  }

  // ---- bank transfer
  // ---------------------------------------------------------------------------------------------

  @Test
  void banktransfer_paidInTwoParts_byReference_andAnUnpaidInvoiceIsCanceled() {
    Payment p = create(request(10_000, "EUR", "DE", type(PaymentMethodType.BANK_TRANSFER)));
    assertThat(p.getNextAction().getDisplayBankTransfer().getRemittanceReference())
        .startsWith("RF");
    f.act("banktransfer", p.getProviderReference(), "transfer", "{\"amount\": 4000}");
    f.advance(Duration.ofDays(1).plusMinutes(1));
    Payment partly = f.await(p.getId(), PaymentStatus.PROCESSING);
    assertThat(f.await(p.getId(), PaymentStatus.PROCESSING).getAmountCaptured()).isIn(0L, 4000L);
    f.act("banktransfer", p.getProviderReference(), "transfer", "{\"amount\": 6000}");
    f.advance(Duration.ofDays(1).plusMinutes(1));
    assertThat(settled(partly).getAmountCaptured()).isEqualTo(10_000);
    Payment unpaid = create(request(10_000, "EUR", "DE", type(PaymentMethodType.BANK_TRANSFER)));
    Payment canceled =
        f.stub()
            .cancelPayment(
                CancelPaymentRequest.newBuilder()
                    .setIdempotencyKey(BillingFixture.key("cancel"))
                    .setPaymentId(unpaid.getId())
                    .build())
            .getPayment();
    assertThat(canceled.getStatus()).isEqualTo(PaymentStatus.CANCELED);
  }
}
