package io.squadron.billing.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.billing.event.PaymentEvents;
import io.squadron.proto.billing.events.v1.PaymentFailed;
import io.squadron.proto.billing.events.v1.PaymentFailureReason;
import io.squadron.proto.billing.events.v1.PaymentRefunded;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.proto.billing.v1.AvailablePaymentMethod;
import io.squadron.proto.billing.v1.BillingErrorReason;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.CancelPaymentRequest;
import io.squadron.proto.billing.v1.CaptureMethod;
import io.squadron.proto.billing.v1.CapturePaymentRequest;
import io.squadron.proto.billing.v1.ConfirmPaymentRequest;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.CreatePaymentResponse;
import io.squadron.proto.billing.v1.FailureReason;
import io.squadron.proto.billing.v1.GetPaymentRequest;
import io.squadron.proto.billing.v1.GiftCardDetails;
import io.squadron.proto.billing.v1.ListPaymentMethodsRequest;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentFailureDetail;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.billing.v1.RefundPaymentRequest;
import io.squadron.proto.billing.v1.RefundPaymentResponse;
import io.squadron.proto.billing.v1.RefundStatus;
import io.squadron.proto.billing.v1.SepaDebitDetails;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.events.v1.EventEnvelope;
import io.squadron.testkit.Await;
import io.squadron.testkit.ProvidersSimExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * billing at its edge, started from its descriptor over mutual TLS on real PostgreSQL, the real
 * Padlock (on Cassandra and memcached) and the real provider simulator process: the API's
 * operations, idempotency under concurrency, bad input, permissions, refunds, captures, cancels,
 * split tender, and the ledger against the provider's truth.
 */
class BillingEdgeTest {
  @RegisterExtension static final ProvidersSimExtension SIM = ProvidersSimExtension.ownServer();
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  @RegisterExtension
  static final ServiceExtension BILLING =
      ServiceExtension.forService("billing")
          .calls(PADLOCK)
          .providersSim(SIM)
          .appToken("ios")
          .config(BillingFixture.TEST_CONFIG)
          .config(
              "squadron.permissions.policy { \"squadron.billing.v1.BillingService\" = [squadron-cli, checkout-eu] }");

  static BillingFixture f;

  @BeforeAll
  static void fixture() {
    f = new BillingFixture(PADLOCK, BILLING, SIM);
  }

  @AfterEach
  void resetFaults() {
    f.control("POST", "/reset", "{\"faults\": true}");
    f.assertLedgerBalanced();
  }

  @Test
  void startup_registersTheCallbackEndpointWithTheSimulator() {
    JsonNode endpoint = BillingFixture.json(f.control("GET", "/webhook-endpoint", null));
    assertThat(endpoint.path("url").asText())
        .matches("http://127\\.0\\.0\\.1:\\d+/webhooks/\\{provider}");
  }

  @Test
  void listPaymentMethods_offersWhatTheCountryAndCurrencyAllow() {
    List<AvailablePaymentMethod> se =
        f.stub()
            .listPaymentMethods(
                ListPaymentMethodsRequest.newBuilder()
                    .setCountry("SE")
                    .setCurrency("EUR")
                    .setAmount(1000)
                    .build())
            .getMethodsList();
    assertThat(se)
        .extracting(AvailablePaymentMethod::getType)
        .contains(
            PaymentMethodType.CARD,
            PaymentMethodType.SEPA_DEBIT,
            PaymentMethodType.PAYLATER,
            PaymentMethodType.GIFT_CARD)
        .doesNotContain(
            PaymentMethodType.BOLETO, PaymentMethodType.UPI, PaymentMethodType.MOBILE_MONEY);
    AvailablePaymentMethod card =
        se.stream().filter(m -> m.getType() == PaymentMethodType.CARD).findFirst().orElseThrow();
    assertThat(card.getProvidersList()).containsExactlyInAnyOrder("cardpay", "acquirex");
    assertThat(card.getSupportsManualCapture()).isTrue();
    List<AvailablePaymentMethod> br =
        f.stub()
            .listPaymentMethods(
                ListPaymentMethodsRequest.newBuilder()
                    .setCountry("BR")
                    .setCurrency("BRL")
                    .setAmount(1000)
                    .build())
            .getMethodsList();
    assertThat(br)
        .extracting(AvailablePaymentMethod::getType)
        .contains(PaymentMethodType.BOLETO, PaymentMethodType.PIX, PaymentMethodType.CARD)
        .doesNotContain(PaymentMethodType.SEPA_DEBIT);
  }

  @Test
  void cardPayment_succeeds_andTheLedgerMatchesTheProvider() {
    String customer = f.customer();
    Payment p =
        f.stub()
            .createPayment(
                f.request(customer, 2500, "EUR", "SE", f.card("4242424242424242", "cardpay"))
                    .build())
            .getPayment();
    assertThat(p.getStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    assertThat(p.getProvider()).isEqualTo("cardpay");
    assertThat(p.getAmountCaptured()).isEqualTo(2500);
    assertThat(p.getInstrumentSummary()).doesNotContain("pm_");
    f.assertMatchesProvider(p);
    // The instrument is stored encrypted: the provider token is nowhere in the row in clear.
    String token =
        f.queryLong(
                    "SELECT count(*) FROM payments WHERE id = '"
                        + p.getId()
                        + "' AND position('pm_'::bytea in instrument) > 0")
                == 0
            ? "encrypted"
            : "clear";
    assertThat(token).isEqualTo("encrypted");
  }

  @Test
  void threeDsCard_requiresAction_thenTheChallengeAndConfirmSucceed() {
    String customer = f.customer();
    Payment p =
        f.stub()
            .createPayment(
                f.request(customer, 1999, "EUR", "SE", f.card("4000000000003220", "cardpay"))
                    .build())
            .getPayment();
    assertThat(p.getStatus()).isEqualTo(PaymentStatus.REQUIRES_ACTION);
    assertThat(p.getNextAction().getThreeDsChallenge().getUrl()).contains("/cardpay/3ds/");
    f.act("cardpay", p.getProviderReference(), "authenticate", "{\"result\":\"pass\"}");
    Payment confirmed =
        f.stub()
            .confirmPayment(
                ConfirmPaymentRequest.newBuilder()
                    .setIdempotencyKey(BillingFixture.key("confirm"))
                    .setPaymentId(p.getId())
                    .build())
            .getPayment();
    assertThat(confirmed.getStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    f.assertMatchesProvider(confirmed);
  }

  @Test
  void declinedCard_isFailedPreconditionWithThePayment_andReplayedForTheSameKey() {
    String customer = f.customer();
    CreatePaymentRequest request =
        f.request(customer, 1500, "EUR", "SE", f.card("4000000000009995", "cardpay")).build();
    StatusRuntimeException first =
        assertThatCall(() -> f.stub().createPayment(request))
            .hasCode(Status.Code.FAILED_PRECONDITION)
            .hasReason(BillingErrorReason.PAYMENT_DECLINED)
            .error();
    Payment failed = detail(first).getPayment();
    assertThat(failed.getStatus()).isEqualTo(PaymentStatus.FAILED);
    assertThat(failed.getFailure().getReason()).isEqualTo(FailureReason.INSUFFICIENT_FUNDS);
    assertThat(failed.getFailure().getProviderCode()).isEqualTo("insufficient_funds");
    StatusRuntimeException again =
        assertThatCall(() -> f.stub().createPayment(request))
            .hasCode(Status.Code.FAILED_PRECONDITION)
            .hasReason(BillingErrorReason.PAYMENT_DECLINED)
            .error();
    assertThat(detail(again).getPayment()).isEqualTo(failed);
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM payments WHERE reference = '" + request.getReference() + "'"))
        .isEqualTo(1);
  }

  private static PaymentFailureDetail detail(StatusRuntimeException e) {
    return StatusProto.fromThrowable(e).getDetailsList().stream()
        .filter(a -> a.is(PaymentFailureDetail.class))
        .map(
            a -> {
              try {
                return a.unpack(PaymentFailureDetail.class);
              } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                throw new IllegalStateException(x);
              }
            })
        .findFirst()
        .orElseThrow();
  }

  @Test
  void fiftyConcurrentRequestsWithOneKey_chargeOnce_andStoreOneResponse() throws Exception {
    String customer = f.customer();
    // The customer's Padlock key is cached by an earlier payment (50 cold lookups at once would
    // measure Padlock).
    f.stub()
        .createPayment(
            f.request(customer, 100, "EUR", "SE", f.card("4242424242424242", "cardpay")).build());
    // Slow provider answers keep the first request in flight while the others arrive.
    f.control(
        "PATCH", "/providers/cardpay/faults", "{\"latency_ms\": {\"min\": 300, \"max\": 300}}");
    CreatePaymentRequest request =
        f.request(customer, 4200, "EUR", "SE", f.card("4242424242424242", "cardpay")).build();
    ExecutorService pool = Executors.newFixedThreadPool(50);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Object>> results = new ArrayList<>();
    BillingServiceGrpc.BillingServiceBlockingStub stub = f.stub();
    for (int i = 0; i < 50; i++) {
      results.add(
          pool.submit(
              () -> {
                go.await();
                try {
                  return stub.createPayment(request);
                } catch (StatusRuntimeException e) {
                  return e;
                }
              }));
    }
    go.countDown();
    List<CreatePaymentResponse> answers = new ArrayList<>();
    for (Future<Object> r : results) {
      Object o = r.get(60, TimeUnit.SECONDS);
      if (o instanceof CreatePaymentResponse ok) {
        answers.add(ok);
      } else {
        StatusRuntimeException e = (StatusRuntimeException) o;
        assertThatCall(
                () -> {
                  throw e;
                })
            .hasCode(Status.Code.ABORTED)
            .hasReason(BillingErrorReason.IDEMPOTENCY_KEY_IN_USE)
            .hasRetryDelayAtMost(Duration.ofSeconds(5));
      }
    }
    pool.shutdown();
    CreatePaymentResponse replay = stub.createPayment(request);
    assertThat(answers).isNotEmpty().allSatisfy(a -> assertThat(a).isEqualTo(replay));
    Payment p = replay.getPayment();
    assertThat(p.getStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    JsonNode charges =
        BillingFixture.json(
            f.control("GET", "/providers/cardpay/payments?reference=" + p.getId() + "-1", null));
    assertThat(charges).hasSize(1);
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM payments WHERE reference = '" + request.getReference() + "'"))
        .isEqualTo(1);
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM idempotency_keys WHERE key = '"
                    + request.getIdempotencyKey()
                    + "' AND state = 'DONE'"))
        .isEqualTo(1);
    f.assertMatchesProvider(p);
  }

  @Test
  void sameKeyWithOtherParameters_isInvalidArgumentReused() {
    String customer = f.customer();
    CreatePaymentRequest request =
        f.request(customer, 1000, "EUR", "SE", f.card("4242424242424242", "cardpay")).build();
    f.stub().createPayment(request);
    assertThatCall(() -> f.stub().createPayment(request.toBuilder().setAmount(1001).build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasReason(BillingErrorReason.IDEMPOTENCY_KEY_REUSED)
        .hasBadField("idempotency_key");
  }

  @Test
  void keysArePerCaller_anotherCallerWithTheSameKeyGetsItsOwnPayment_andCannotSeeOthers() {
    String customer = f.customer();
    CreatePaymentRequest request =
        f.request(customer, 1000, "EUR", "SE", f.card("4242424242424242", "cardpay")).build();
    Payment mine = f.stub().createPayment(request).getPayment();
    BillingServiceGrpc.BillingServiceBlockingStub other =
        BILLING.stub("checkout-eu", BillingServiceGrpc::newBlockingStub);
    Payment theirs =
        other
            .createPayment(
                request.toBuilder().setPaymentMethod(f.card("4242424242424242", "cardpay")).build())
            .getPayment();
    assertThat(theirs.getId()).isNotEqualTo(mine.getId());
    assertThatCall(
            () ->
                other.getPayment(GetPaymentRequest.newBuilder().setPaymentId(mine.getId()).build()))
        .hasCode(Status.Code.NOT_FOUND)
        .hasReason(BillingErrorReason.PAYMENT_NOT_FOUND);
    assertThat(
            BILLING
                .stub("squadron-cli", BillingServiceGrpc::newBlockingStub)
                .getPayment(GetPaymentRequest.newBuilder().setPaymentId(mine.getId()).build())
                .getPayment()
                .getId())
        .as("operators see every payment")
        .isEqualTo(mine.getId());
  }

  @Test
  void badInput_isInvalidArgumentNamingTheFields_andNothingIsStoredForTheKey() {
    String customer = f.customer();
    CreatePaymentRequest bad =
        f.request(
                customer,
                0,
                "EURO",
                "Sweden",
                PaymentMethod.newBuilder()
                    .setType(PaymentMethodType.SEPA_DEBIT)
                    .setSepaDebit(
                        SepaDebitDetails.newBuilder()
                            .setIban("DE00370400440532013000")
                            .setAccountHolder(""))
                    .build())
            .build();
    assertThatCall(() -> f.stub().createPayment(bad))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasReason(ErrorReason.INVALID_FIELD)
        .hasBadField("amount")
        .hasBadField("currency")
        .hasBadField("country")
        .hasBadField("payment_method.sepa_debit.iban")
        .hasBadField("payment_method.sepa_debit.account_holder")
        .hasMessageNotContaining("DE00370400440532013000");
    CreatePaymentRequest fixed =
        bad.toBuilder()
            .setAmount(1234)
            .setCurrency("EUR")
            .setCountry("DE")
            .setPaymentMethod(
                PaymentMethod.newBuilder()
                    .setType(PaymentMethodType.SEPA_DEBIT)
                    .setSepaDebit(
                        SepaDebitDetails.newBuilder()
                            .setIban("DE89370400440532013000")
                            .setAccountHolder("Ada")))
            .build();
    assertThat(f.stub().createPayment(fixed).getPayment().getStatus())
        .isEqualTo(PaymentStatus.PROCESSING);
    assertThatCall(
            () ->
                f.stub()
                    .createPayment(
                        f.request(
                                customer, 1000, "EUR", "BR", f.card("4242424242424242", "cardpay"))
                            .setPaymentMethod(
                                PaymentMethod.newBuilder().setType(PaymentMethodType.BOLETO))
                            .build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("payment_method.boleto");
    assertThatCall(
            () ->
                f.stub()
                    .createPayment(
                        f.request(
                                customer,
                                1000,
                                "EUR",
                                "DE",
                                PaymentMethod.newBuilder()
                                    .setType(PaymentMethodType.UPI)
                                    .setUpi(
                                        io.squadron.proto.billing.v1.UpiDetails.newBuilder()
                                            .setVpa("ada@okbank"))
                                    .build())
                            .build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasReason(BillingErrorReason.METHOD_NOT_AVAILABLE)
        .hasBadField("country");
    assertThatCall(
            () -> f.stub().getPayment(GetPaymentRequest.newBuilder().setPaymentId("nope").build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("payment_id");
    assertThatCall(
            () ->
                f.stub()
                    .getPayment(
                        GetPaymentRequest.newBuilder()
                            .setPaymentId("payaaaaaaaaaaaaaaaaaaaaaaaa")
                            .build()))
        .hasCode(Status.Code.NOT_FOUND)
        .hasReason(BillingErrorReason.PAYMENT_NOT_FOUND);
  }

  @Test
  void customerWithoutKeys_isFailedPrecondition() {
    assertThatCall(
            () ->
                f.stub()
                    .createPayment(
                        f.request(
                                "never-signed-up",
                                1000,
                                "EUR",
                                "SE",
                                f.card("4242424242424242", "cardpay"))
                            .build()))
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(BillingErrorReason.CUSTOMER_KEYS_UNAVAILABLE);
  }

  @Test
  void appsAndOtherServices_mayNotCreatePayments() {
    assertThatCall(
            () ->
                BILLING
                    .appStub("ios", BillingServiceGrpc::newBlockingStub)
                    .getPayment(
                        GetPaymentRequest.newBuilder()
                            .setPaymentId("payaaaaaaaaaaaaaaaaaaaaaaaa")
                            .build()))
        .hasCode(Status.Code.PERMISSION_DENIED);
    assertThatCall(
            () ->
                BILLING
                    .stub("userdb", BillingServiceGrpc::newBlockingStub)
                    .listPaymentMethods(
                        ListPaymentMethodsRequest.newBuilder()
                            .setCountry("SE")
                            .setCurrency("EUR")
                            .setAmount(1)
                            .build()))
        .hasCode(Status.Code.PERMISSION_DENIED);
  }

  @Test
  void refunds_partialAndSeveral_thenFull_andNeverMoreThanCaptured() {
    String customer = f.customer();
    Payment p =
        f.stub()
            .createPayment(
                f.request(customer, 10_000, "EUR", "SE", f.card("4242424242424242", "cardpay"))
                    .build())
            .getPayment();
    RefundPaymentResponse first =
        f.stub()
            .refundPayment(
                RefundPaymentRequest.newBuilder()
                    .setIdempotencyKey(BillingFixture.key("refund"))
                    .setPaymentId(p.getId())
                    .setAmount(2500)
                    .build());
    assertThat(first.getRefund().getStatus()).isEqualTo(RefundStatus.REFUND_SUCCEEDED);
    assertThat(first.getPayment().getStatus()).isEqualTo(PaymentStatus.PARTIALLY_REFUNDED);
    f.stub()
        .refundPayment(
            RefundPaymentRequest.newBuilder()
                .setIdempotencyKey(BillingFixture.key("refund"))
                .setPaymentId(p.getId())
                .setAmount(2500)
                .build());
    assertThatCall(
            () ->
                f.stub()
                    .refundPayment(
                        RefundPaymentRequest.newBuilder()
                            .setIdempotencyKey(BillingFixture.key("refund"))
                            .setPaymentId(p.getId())
                            .setAmount(5001)
                            .build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("amount");
    RefundPaymentResponse rest =
        f.stub()
            .refundPayment(
                RefundPaymentRequest.newBuilder()
                    .setIdempotencyKey(BillingFixture.key("refund"))
                    .setPaymentId(p.getId())
                    .build());
    assertThat(rest.getRefund().getAmount()).isEqualTo(5000);
    assertThat(rest.getPayment().getStatus()).isEqualTo(PaymentStatus.REFUNDED);
    assertThat(rest.getPayment().getRefundsList()).hasSize(3);
    assertThat(f.truth(p).path("refunded_amount").asLong()).isEqualTo(10_000);
    f.assertMatchesProvider(rest.getPayment());
    assertThatCall(
            () ->
                f.stub()
                    .refundPayment(
                        RefundPaymentRequest.newBuilder()
                            .setIdempotencyKey(BillingFixture.key("refund"))
                            .setPaymentId(p.getId())
                            .build()))
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(BillingErrorReason.ILLEGAL_TRANSITION)
        .hasMessageContaining("REFUNDED");
  }

  @Test
  void voucherRefund_isNotSupported() {
    String customer = f.customer();
    Payment debit =
        f.stub()
            .createPayment(
                f.request(
                        customer,
                        1000,
                        "EUR",
                        "DE",
                        PaymentMethod.newBuilder()
                            .setType(PaymentMethodType.SEPA_DEBIT)
                            .setSepaDebit(
                                SepaDebitDetails.newBuilder()
                                    .setIban("DE89370400440532013000")
                                    .setAccountHolder("Ada"))
                            .build())
                    .build())
            .getPayment();
    assertThatCall(
            () ->
                f.stub()
                    .refundPayment(
                        RefundPaymentRequest.newBuilder()
                            .setIdempotencyKey(BillingFixture.key("refund"))
                            .setPaymentId(debit.getId())
                            .build()))
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(BillingErrorReason.OPERATION_NOT_SUPPORTED);
  }

  @Test
  void manualCapture_partial_settlesByTheCaptureEvent_andCapturingAgainIsIllegal() {
    String customer = f.customer();
    Payment p =
        f.stub()
            .createPayment(
                f.request(customer, 8000, "EUR", "US", f.card("5555555555554444", "acquirex"))
                    .setCaptureMethod(CaptureMethod.MANUAL)
                    .build())
            .getPayment();
    assertThat(p.getStatus()).isEqualTo(PaymentStatus.REQUIRES_CAPTURE);
    assertThat(p.getAmountCapturable()).isEqualTo(8000);
    Payment capturing =
        f.stub()
            .capturePayment(
                CapturePaymentRequest.newBuilder()
                    .setIdempotencyKey(BillingFixture.key("capture"))
                    .setPaymentId(p.getId())
                    .setAmount(6000)
                    .build())
            .getPayment();
    assertThat(capturing.getStatus()).isEqualTo(PaymentStatus.REQUIRES_CAPTURE);
    assertThat(capturing.getAmountCapturable()).isZero();
    f.advance(Duration.ofSeconds(61));
    Payment captured = f.await(p.getId(), PaymentStatus.SUCCEEDED);
    assertThat(captured.getAmountCaptured()).isEqualTo(6000);
    f.assertMatchesProvider(captured);
    assertThatCall(
            () ->
                f.stub()
                    .capturePayment(
                        CapturePaymentRequest.newBuilder()
                            .setIdempotencyKey(BillingFixture.key("capture"))
                            .setPaymentId(p.getId())
                            .build()))
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(BillingErrorReason.ILLEGAL_TRANSITION)
        .hasMessageContaining("SUCCEEDED");
  }

  @Test
  void cancel_ofAPaymentWaitingForThePayer_cancelsItAtTheProvider() {
    String customer = f.customer();
    Payment p =
        f.stub()
            .createPayment(
                f.request(customer, 1999, "EUR", "SE", f.card("4000000000003220", "cardpay"))
                    .build())
            .getPayment();
    Payment canceled =
        f.stub()
            .cancelPayment(
                CancelPaymentRequest.newBuilder()
                    .setIdempotencyKey(BillingFixture.key("cancel"))
                    .setPaymentId(p.getId())
                    .build())
            .getPayment();
    assertThat(canceled.getStatus()).isEqualTo(PaymentStatus.CANCELED);
    assertThat(f.truth(p).path("status").asText()).isEqualTo("canceled");
  }

  @Test
  void splitTender_giftCardPaysPart_cardPaysTheRest_andAFailedCardReversesTheGiftCard() {
    String customer = f.customer();
    String code =
        BillingFixture.json(
                f.control(
                    "POST",
                    "/providers/giftcard/ops/issue",
                    "{\"balance\": 1000, \"currency\": \"EUR\"}"))
            .path("code")
            .asText();
    PaymentMethod gift =
        PaymentMethod.newBuilder()
            .setType(PaymentMethodType.GIFT_CARD)
            .setGiftCard(GiftCardDetails.newBuilder().setCode(code).setAllowPartial(true))
            .build();
    Payment giftPart =
        f.stub().createPayment(f.request(customer, 2500, "EUR", "SE", gift).build()).getPayment();
    assertThat(giftPart.getStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    assertThat(giftPart.getAmountCaptured()).isEqualTo(1000);
    Payment cardPart =
        f.stub()
            .createPayment(
                f.request(
                        customer,
                        2500 - giftPart.getAmountCaptured(),
                        "EUR",
                        "SE",
                        f.card("4242424242424242", "cardpay"))
                    .build())
            .getPayment();
    assertThat(cardPart.getAmountCaptured()).isEqualTo(1500);
    f.assertMatchesProvider(giftPart);
    f.assertMatchesProvider(cardPart);

    // A second order: the gift card takes its part, the card is declined, the gift card part is
    // given back.
    String code2 =
        BillingFixture.json(
                f.control(
                    "POST",
                    "/providers/giftcard/ops/issue",
                    "{\"balance\": 700, \"currency\": \"EUR\"}"))
            .path("code")
            .asText();
    Payment gift2 =
        f.stub()
            .createPayment(
                f.request(
                        customer,
                        2000,
                        "EUR",
                        "SE",
                        PaymentMethod.newBuilder()
                            .setType(PaymentMethodType.GIFT_CARD)
                            .setGiftCard(
                                GiftCardDetails.newBuilder().setCode(code2).setAllowPartial(true))
                            .build())
                    .build())
            .getPayment();
    assertThatCall(
            () ->
                f.stub()
                    .createPayment(
                        f.request(
                                customer, 1300, "EUR", "SE", f.card("4000000000000002", "cardpay"))
                            .build()))
        .hasReason(BillingErrorReason.PAYMENT_DECLINED);
    Payment reversed =
        f.stub()
            .refundPayment(
                RefundPaymentRequest.newBuilder()
                    .setIdempotencyKey(BillingFixture.key("reverse"))
                    .setPaymentId(gift2.getId())
                    .build())
            .getPayment();
    assertThat(reversed.getStatus()).isEqualTo(PaymentStatus.REFUNDED);
    JsonNode balance;
    try {
      balance =
          BillingFixture.json(
              SIM.provider(
                  "GET",
                  "giftcard",
                  "/v1/cards/" + code2 + "/balance",
                  f.apiKey("giftcard"),
                  null));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    assertThat(balance.path("balance").path("amount").asLong()).isEqualTo(700);
    f.assertMatchesProvider(reversed);
  }

  @Test
  void paymentEvents_reachKafka_fromTheOutboxWrittenWithTheChange() throws Exception {
    String customer = f.customer();
    CreatePaymentRequest request =
        f.request(customer, 2500, "EUR", "SE", f.card("4242424242424242", "cardpay")).build();
    Payment paid = f.stub().createPayment(request).getPayment();
    assertThat(paid.getStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    RefundPaymentResponse refund =
        f.stub()
            .refundPayment(
                RefundPaymentRequest.newBuilder()
                    .setIdempotencyKey(BillingFixture.key("refund"))
                    .setPaymentId(paid.getId())
                    .setAmount(1000)
                    .build());
    Payment declined =
        ProviderFlowsTestSupport.declinedPayment(
            assertThatCall(
                    () ->
                        f.stub()
                            .createPayment(
                                f.request(
                                        customer,
                                        1500,
                                        "EUR",
                                        "SE",
                                        f.card("4100000000000019", "cardpay"))
                                    .build()))
                .hasCode(Status.Code.FAILED_PRECONDITION)
                .hasReason(BillingErrorReason.PAYMENT_DECLINED)
                .error());
    // Written with the change: the outbox rows are there whatever the relay has done yet.
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM squadron_outbox WHERE event_key = '" + paid.getId() + "'"))
        .isEqualTo(2);
    assertThat(
            f.queryLong(
                "SELECT count(*) FROM squadron_outbox WHERE event_key = '"
                    + declined.getId()
                    + "'"))
        .isEqualTo(1);

    Map<String, List<EventEnvelope>> byPayment =
        Await.value(
            Duration.ofSeconds(60),
            "the events on Kafka",
            () -> {
              Map<String, List<EventEnvelope>> seen = new LinkedHashMap<>();
              Set<String> ids = new HashSet<>();
              for (ConsumerRecord<byte[], byte[]> r :
                  BILLING.kafka().readAll(BILLING.kafka().topic(PaymentEvents.TOPIC))) {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                EventEnvelope e = parseEnvelope(r.value());
                if ((key.equals(paid.getId()) || key.equals(declined.getId()))
                    && ids.add(e.getEventId())) {
                  seen.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
                }
              }
              return seen.getOrDefault(paid.getId(), List.of()).size() == 2
                      && seen.containsKey(declined.getId())
                  ? Optional.of(seen)
                  : Optional.empty();
            });
    List<EventEnvelope> events = byPayment.get(paid.getId());
    assertThat(events).extracting(EventEnvelope::getProducer).containsOnly("billing");
    PaymentSucceeded succeeded = events.get(0).getPayload().unpack(PaymentSucceeded.class);
    assertThat(succeeded.getPaymentId()).isEqualTo(paid.getId());
    assertThat(succeeded.getUserId()).isEqualTo(customer);
    assertThat(succeeded.getAmount().getMinorUnits()).isEqualTo(2500);
    assertThat(succeeded.getAmount().getCurrencyCode()).isEqualTo("EUR");
    assertThat(succeeded.getIdempotencyKey()).isEqualTo(request.getIdempotencyKey());
    assertThat(succeeded.getCheckoutSessionId()).isEqualTo(request.getReference());
    assertThat(succeeded.getProvider()).isEqualTo("cardpay");
    PaymentRefunded refunded = events.get(1).getPayload().unpack(PaymentRefunded.class);
    assertThat(refunded.getRefundId()).isEqualTo(refund.getRefund().getId());
    assertThat(refunded.getRefundedAmount().getMinorUnits()).isEqualTo(1000);
    assertThat(refunded.getTotalRefunded().getMinorUnits()).isEqualTo(1000);
    assertThat(refunded.getFullyRefunded()).isFalse();
    assertThat(byPayment.get(declined.getId())).hasSize(1);
    PaymentFailed failed =
        byPayment.get(declined.getId()).get(0).getPayload().unpack(PaymentFailed.class);
    assertThat(failed.getReason()).isEqualTo(PaymentFailureReason.REJECTED_AS_FRAUD);
    assertThat(failed.getAmount().getMinorUnits()).isEqualTo(1500);
  }

  private static EventEnvelope parseEnvelope(byte[] value) {
    try {
      return EventEnvelope.parseFrom(value);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
