package io.squadron.checkout.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.GetPaymentRequest;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.checkout.v1.CheckoutServiceGrpc;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.CreateCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.PaymentMethodOption;
import io.squadron.proto.checkout.v1.SessionState;
import io.squadron.proto.checkout.v1.SubmitStepRequest;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.testkit.Await;
import io.squadron.testkit.ProvidersSimExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checkout with the real billing (on its PostgreSQL, the real Padlock and the provider simulator
 * process): a card payment through 3-D Secure, a SEPA debit left pending then done, an offer code
 * redeemed when paid, and a client retrying a step that already paid (one payment at billing).
 */
class CheckoutWithBillingEdgeTest {
  @RegisterExtension static final ProvidersSimExtension SIM = ProvidersSimExtension.ownServer();
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  @RegisterExtension
  static final ServiceExtension BILLING =
      ServiceExtension.forService("billing")
          .calls(PADLOCK)
          .providersSim(SIM)
          .config(
              """
          squadron.billing.routing.exploration = 0
          squadron.billing.reconcile { interval = 200ms, default { initial = 1s, max = 2s },
            methods { card { initial = 1s, max = 2s }, sepa-debit { initial = 1s, max = 2s } } }
          squadron.padlock-client.deadline = 5s
          """);

  @RegisterExtension
  static final ServiceExtension CHECKOUT =
      ServiceExtension.forService("checkout").calls(BILLING).appToken("ios");

  private static CheckoutServiceGrpc.CheckoutServiceBlockingStub app() {
    return CHECKOUT.appStub("ios", CheckoutServiceGrpc::newBlockingStub);
  }

  /**
   * A user with Padlock keys, as userdb creates them at sign-up (billing encrypts the instrument
   * with them).
   */
  private static String user() {
    String id = "user-" + UUID.randomUUID();
    PADLOCK
        .stub("userdb", PadlockServiceGrpc::newBlockingStub)
        .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(id).build());
    return id;
  }

  private static CheckoutSession submit(CheckoutSession s, Map<String, String> values) {
    return app()
        .submitStep(
            SubmitStepRequest.newBuilder()
                .setSessionId(s.getSessionId())
                .setStepId(s.getNextStep().getStepId())
                .putAllValues(values)
                .build());
  }

  /**
   * The session once billing answered: on a busy machine billing may be unavailable for a moment (a
   * retryable step: the payer presses "try again", which repeats the same payment with the same
   * key) or still asking the provider (a poll step).
   */
  private static CheckoutSession settled(CheckoutSession s) {
    CheckoutSession[] current = {s};
    return Await.value(
        Duration.ofSeconds(60),
        "billing's answer",
        () -> {
          var step = current[0].getNextStep();
          boolean waiting =
              (step.hasError()
                      && step.getError().getRetryable()
                      && step.getStepId().startsWith("retry-"))
                  || (step.hasPaymentAction() && step.getPaymentAction().hasPollAfterSeconds());
          if (!waiting) {
            return Optional.of(current[0]);
          }
          current[0] = submit(current[0], Map.of());
          return Optional.empty();
        });
  }

  private static Payment payment(String id) {
    return BILLING
        .stub("checkout", BillingServiceGrpc::newBlockingStub)
        .getPayment(GetPaymentRequest.newBuilder().setPaymentId(id).build())
        .getPayment();
  }

  /**
   * The card tokenized at {@code provider}'s vault by the client, as a browser's card form would.
   */
  private static String tokenize(String provider, String number) throws Exception {
    String apiKey =
        JsonParser.parseString(SIM.control("GET", "/credentials", null))
            .getAsJsonObject()
            .getAsJsonObject(provider)
            .get("api_key")
            .getAsString();
    return JsonParser.parseString(
            SIM.provider(
                "POST",
                provider,
                "/v1/payment_methods",
                apiKey,
                "{\"type\":\"card\","
                    + "\"card\":{\"number\":\""
                    + number
                    + "\",\"exp_month\":12,\"exp_year\":2034,\"cvc\":\"123\"}}"))
        .getAsJsonObject()
        .get("id")
        .getAsString();
  }

  private static int billingPayments(String sessionId) throws Exception {
    try (Connection c = BILLING.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM payments WHERE reference = ?")) {
      s.setString(1, sessionId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  private static CheckoutSession toMethods(String offer) {
    CheckoutSession s =
        app()
            .createCheckoutSession(
                CreateCheckoutSessionRequest.newBuilder()
                    .setUserId(user())
                    .setPlanId("individual")
                    .setCountry("DE")
                    .setDevice(Device.WEB)
                    .setOfferCode(offer)
                    .build());
    CheckoutSession methods = submit(s, Map.of("postal_code", "10115"));
    assertThat(methods.getNextStep().hasPaymentMethods()).as("%s", methods.getNextStep()).isTrue();
    assertThat(methods.getNextStep().getPaymentMethods().getAmount())
        .isEqualTo(methods.getQuote().getTotal());
    return methods;
  }

  @Test
  void card_threeDSecure_thenDone_offerRedeemed_aRetryDoesNotPayTwice() throws Exception {
    CheckoutSession methods = toMethods("WELCOME50");
    PaymentMethodOption card =
        methods.getNextStep().getPaymentMethods().getMethodsList().stream()
            .filter(m -> m.getMethod().equals("CARD"))
            .findFirst()
            .orElseThrow();
    assertThat(card.getFieldsList()).contains("card_token.cardpay");

    CheckoutSession challenge =
        settled(
            submit(
                methods,
                Map.of(
                    "method",
                    "CARD",
                    "card_token.cardpay",
                    tokenize("cardpay", "4000000000003220"))));
    assertThat(challenge.getNextStep().getPaymentAction().getThreeDsUrl())
        .as("%s", challenge.getNextStep())
        .contains("/cardpay/3ds/");
    String paymentId = challenge.getNextStep().getPaymentAction().getPaymentId();
    Payment p = payment(paymentId);
    assertThat(p.getAmount())
        .isEqualTo(549); // EUR 10.99 less 50 % (5.495 rounded half up: 5.50 off)
    assertThat(p.getCurrency()).isEqualTo("EUR");

    // The client's retry of the methods step it already answered: the session as it is, no second
    // payment.
    assertThat(
            submit(methods, Map.of("method", "CARD", "card_token.cardpay", "pm_other"))
                .getNextStep())
        .isEqualTo(challenge.getNextStep());

    SIM.control(
        "POST",
        "/providers/cardpay/payments/" + p.getProviderReference() + "/actions/authenticate",
        "{\"result\":\"pass\"}");
    CheckoutSession done = submit(challenge, Map.of());
    assertThat(done.getState()).isEqualTo(SessionState.COMPLETED);
    assertThat(done.getNextStep().getDone().getReceipt().getPaymentId()).isEqualTo(paymentId);
    assertThat(done.getNextStep().getDone().getReceipt().getTotal()).isEqualTo(549);
    assertThat(payment(paymentId).getStatus()).isEqualTo(PaymentStatus.SUCCEEDED);
    assertThat(billingPayments(methods.getSessionId())).isEqualTo(1);
    try (Connection c = CHECKOUT.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT state FROM offer_redemptions WHERE session_id = ?")) {
      s.setString(1, methods.getSessionId());
      try (ResultSet r = s.executeQuery()) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("REDEEMED");
      }
    }
  }

  @Test
  void sepaDebit_pendingThenDone() throws Exception {
    CheckoutSession methods = toMethods("");
    CheckoutSession pending =
        submit(
            methods,
            Map.of(
                "method",
                "SEPA_DEBIT",
                "iban",
                "DE89370400440532013000",
                "account_holder",
                "Ada Lovelace"));
    assertThat(pending.getState()).isEqualTo(SessionState.OPEN);
    assertThat(pending.getNextStep().getPaymentAction().getPollAfterSeconds()).isPositive();

    SIM.control("POST", "/clock/advance", "{\"seconds\":" + Duration.ofDays(3).toSeconds() + "}");
    CheckoutSession[] current = {pending};
    CheckoutSession done =
        Await.value(
            Duration.ofSeconds(60),
            "the SEPA debit to settle",
            () -> {
              current[0] = submit(current[0], Map.of());
              return current[0].getState() == SessionState.COMPLETED
                  ? Optional.of(current[0])
                  : Optional.empty();
            });
    assertThat(done.getNextStep().getDone().getReceipt().getTotal()).isEqualTo(1099);
    assertThat(billingPayments(methods.getSessionId())).isEqualTo(1);
  }
}
