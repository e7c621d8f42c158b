package io.squadron.checkout.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonParser;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.proto.billing.v1.BillingServiceGrpc;
import io.squadron.proto.billing.v1.GetPaymentRequest;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentStatus;
import io.squadron.proto.checkout.v1.CheckoutErrorReason;
import io.squadron.proto.checkout.v1.CheckoutServiceGrpc;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.CreateCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.Entitlement;
import io.squadron.proto.checkout.v1.GetCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.GetEntitlementsRequest;
import io.squadron.proto.checkout.v1.PaymentMethodOption;
import io.squadron.proto.checkout.v1.SessionState;
import io.squadron.proto.checkout.v1.SubmitStepRequest;
import io.squadron.proto.events.v1.EventEnvelope;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.proto.userdb.events.v1.UserDeleted;
import io.squadron.testkit.Await;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.ProvidersSimExtension;
import io.squadron.testkit.browser.BrowserExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Checkout with the real billing (on its PostgreSQL, the real Padlock and the provider simulator
 * process): a card payment through 3-D Secure, a SEPA debit left pending then done, an offer code
 * redeemed when paid, and a client retrying a step that already paid (one payment at billing).
 */
class CheckoutWithBillingEdgeTest {
  @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.perClass();
  @RegisterExtension static final ProvidersSimExtension SIM = ProvidersSimExtension.ownServer();
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  @RegisterExtension
  static final ServiceExtension BILLING =
      ServiceExtension.forService("billing")
          .calls(PADLOCK)
          .providersSim(SIM)
          .kafka(KAFKA)
          .config(
              """
          squadron.billing.routing.exploration = 0
          squadron.billing.reconcile { interval = 200ms, default { initial = 1s, max = 2s },
            methods { card { initial = 1s, max = 2s }, sepa-debit { initial = 1s, max = 2s } } }
          squadron.padlock-client.deadline = 5s
          """);

  @RegisterExtension
  static final ServiceExtension CHECKOUT =
      ServiceExtension.forService("checkout")
          .calls(BILLING)
          .kafka(KAFKA)
          .appToken("ios")
          .appToken("web")
          .config(
              """
          squadron.permissions.policy {
            "squadron.checkout.v1.CheckoutService/GetEntitlements" += support-tool
          }
          """);

  @RegisterExtension static final BrowserExtension BROWSER = BrowserExtension.headlessChromium();

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
    return toMethods(newSession(offer));
  }

  private static CreateCheckoutSessionRequest newSession(String offer) {
    return CreateCheckoutSessionRequest.newBuilder()
        .setUserId(user())
        .setPlanId("individual")
        .setCountry("DE")
        .setDevice(Device.WEB)
        .setOfferCode(offer)
        .setRequestId(UUID.randomUUID().toString())
        .build();
  }

  private static CheckoutSession toMethods(CreateCheckoutSessionRequest create) {
    CheckoutSession s = app().createCheckoutSession(create);
    CheckoutSession methods = submit(s, Map.of("postal_code", "10115"));
    assertThat(methods.getNextStep().hasPaymentMethods()).as("%s", methods.getNextStep()).isTrue();
    assertThat(methods.getNextStep().getPaymentMethods().getAmount())
        .isEqualTo(methods.getQuote().getTotal());
    return methods;
  }

  @Test
  void card_threeDSecure_thenDone_offerRedeemed_aRetryDoesNotPayTwice() throws Exception {
    CreateCheckoutSessionRequest create = newSession("WELCOME50");
    CheckoutSession methods = toMethods(create);
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
    // The create retried late (its first answer lost, the client retrying with its request id): the
    // paid session with its receipt, not a second checkout.
    CheckoutSession retried = app().createCheckoutSession(create);
    assertThat(retried.getSessionId()).isEqualTo(methods.getSessionId());
    assertThat(retried.getQuote()).isEqualTo(methods.getQuote());
    assertThat(retried.getNextStep()).isEqualTo(done.getNextStep());
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

  /**
   * Checkout consuming billing's payment events (and userdb's UserDeleted) on a real broker, with
   * the real billing, Padlock and provider simulator: a SEPA debit finished by the event alone, a
   * copy of the event applied once, a failed debit giving the offer code back, a returned debit
   * revoking the plan, a consumer that was down catching up, and a deleted user forgotten.
   */
  @Nested
  class PaymentEvents {
    private static final String OK_IBAN = "DE89370400440532013000";
    private static final String FAILING_IBAN = "DE62370400440532013001";
    private static final String RETURNED_IBAN = "DE35370400440532013002";

    private static CheckoutSession get(String sessionId) {
      return app()
          .getCheckoutSession(
              GetCheckoutSessionRequest.newBuilder().setSessionId(sessionId).build());
    }

    private static List<Entitlement> entitlementsOfSessionUser(String sessionId) {
      return app()
          .getEntitlements(GetEntitlementsRequest.newBuilder().setSessionId(sessionId).build())
          .getEntitlementsList();
    }

    /** A session paying by SEPA debit from {@code iban}, left pending (SEPA settles days later). */
    private static CheckoutSession sepaPending(String userId, String offer, String iban) {
      CheckoutSession s =
          app()
              .createCheckoutSession(
                  CreateCheckoutSessionRequest.newBuilder()
                      .setUserId(userId)
                      .setPlanId("individual")
                      .setCountry("DE")
                      .setDevice(Device.WEB)
                      .setOfferCode(offer)
                      .build());
      CheckoutSession methods = submit(s, Map.of("postal_code", "10115"));
      assertThat(methods.getNextStep().hasPaymentMethods())
          .as("%s", methods.getNextStep())
          .isTrue();
      CheckoutSession[] current = {
        submit(
            methods, Map.of("method", "SEPA_DEBIT", "iban", iban, "account_holder", "Ada Lovelace"))
      };
      // On a busy machine billing may not answer in time: the payer presses "try again" (the same
      // payment, same key) until the debit is accepted and pending.
      CheckoutSession pending =
          Await.value(
              Duration.ofSeconds(60),
              "billing to accept the debit",
              () -> {
                if (!current[0].getNextStep().getStepId().startsWith("retry-")) {
                  return Optional.of(current[0]);
                }
                current[0] = submit(current[0], Map.of());
                return Optional.empty();
              });
      assertThat(pending.getState()).isEqualTo(SessionState.OPEN);
      assertThat(pending.getNextStep().getPaymentAction().getPollAfterSeconds())
          .as("%s", pending.getNextStep())
          .isPositive();
      return pending;
    }

    private static void advanceSimulatedDays(int days) throws Exception {
      SIM.control(
          "POST", "/clock/advance", "{\"seconds\":" + Duration.ofDays(days).toSeconds() + "}");
    }

    /** Waits (reading only: no SubmitStep, so nothing asks billing) until the session matches. */
    private static CheckoutSession awaitSession(
        String sessionId, String what, java.util.function.Predicate<CheckoutSession> done) {
      return Await.value(
          Duration.ofSeconds(60),
          what,
          () -> {
            CheckoutSession s = get(sessionId);
            return done.test(s) ? Optional.of(s) : Optional.empty();
          });
    }

    /** Waits until checkout's consumer group committed every record now on {@code topic}. */
    private static void awaitConsumed(String topicName) {
      String topic = KAFKA.topic(topicName);
      Await.until(
          Duration.ofSeconds(60),
          "checkout to consume " + topic + " to its end",
          () -> {
            try {
              var admin = KAFKA.admin();
              List<TopicPartition> partitions =
                  admin
                      .describeTopics(List.of(topic))
                      .allTopicNames()
                      .get(10, TimeUnit.SECONDS)
                      .get(topic)
                      .partitions()
                      .stream()
                      .map(p -> new TopicPartition(topic, p.partition()))
                      .toList();
              Map<TopicPartition, Long> ends =
                  admin
                      .listOffsets(
                          partitions.stream()
                              .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                      .all()
                      .get(10, TimeUnit.SECONDS)
                      .entrySet()
                      .stream()
                      .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
              Map<TopicPartition, OffsetAndMetadata> committed =
                  admin
                      .listConsumerGroupOffsets(KAFKA.group("checkout"))
                      .partitionsToOffsetAndMetadata()
                      .get(10, TimeUnit.SECONDS);
              return ends.entrySet().stream()
                  .allMatch(
                      e ->
                          e.getValue() == 0
                              || (committed.get(e.getKey()) != null
                                  && committed.get(e.getKey()).offset() >= e.getValue()));
            } catch (Exception e) {
              return false;
            }
          });
    }

    private static long count(String sql, String arg) throws Exception {
      try (Connection c = CHECKOUT.postgres().dataSource().getConnection();
          PreparedStatement s = c.prepareStatement(sql)) {
        s.setString(1, arg);
        try (ResultSet r = s.executeQuery()) {
          r.next();
          return r.getLong(1);
        }
      }
    }

    private static int sessionVersion(String sessionId) throws Exception {
      return (int) count("SELECT version FROM checkout_sessions WHERE id = ?", sessionId);
    }

    private static int offerUses(String code) throws Exception {
      return (int) count("SELECT used FROM offer_codes WHERE code = ?", code);
    }

    private static Optional<ConsumerRecord<byte[], byte[]>> succeededEventOf(String sessionId) {
      return KAFKA.readAll(KAFKA.topic("billing.payments")).stream()
          .filter(
              r ->
                  paymentSucceeded(r)
                      .map(p -> p.getCheckoutSessionId().equals(sessionId))
                      .orElse(false))
          .findFirst();
    }

    private static Optional<PaymentSucceeded> paymentSucceeded(ConsumerRecord<byte[], byte[]> r) {
      try {
        Any payload = EventEnvelope.parseFrom(r.value()).getPayload();
        return payload.is(PaymentSucceeded.class)
            ? Optional.of(payload.unpack(PaymentSucceeded.class))
            : Optional.empty();
      } catch (InvalidProtocolBufferException e) {
        return Optional.empty();
      }
    }

    @Test
    void sepaPending_theEventAloneFinishesTheSessionAndGrantsThePlan_aCopyOfTheEventAppliesOnce()
        throws Exception {
      String userId = user();
      int usesBefore = offerUses("TRIAL30");
      CheckoutSession pending = sepaPending(userId, "TRIAL30", OK_IBAN);
      assertThat(entitlementsOfSessionUser(pending.getSessionId())).isEmpty();

      advanceSimulatedDays(3);
      CheckoutSession done =
          awaitSession(
              pending.getSessionId(),
              "the PaymentSucceeded event to complete the session",
              s -> s.getState() == SessionState.COMPLETED);
      assertThat(done.getNextStep().getDone().getReceipt().getTotal()).isEqualTo(1099);
      assertThat(done.getNextStep().getDone().getReceipt().getTrialDays()).isEqualTo(30);
      List<Entitlement> granted = entitlementsOfSessionUser(pending.getSessionId());
      assertThat(granted).hasSize(1);
      Entitlement e = granted.get(0);
      assertThat(e.getUserId()).isEqualTo(userId);
      assertThat(e.getPlanId()).isEqualTo("individual");
      assertThat(e.getCountry()).isEqualTo("DE");
      assertThat(e.getSessionId()).isEqualTo(pending.getSessionId());
      assertThat(e.getPaymentId())
          .isEqualTo(done.getNextStep().getDone().getReceipt().getPaymentId());
      assertThat(e.getActive()).isTrue();
      assertThat(
              Duration.between(
                  Instant.ofEpochSecond(e.getGrantedAt().getSeconds()),
                  Instant.ofEpochSecond(e.getTrialEndsAt().getSeconds())))
          .isEqualTo(Duration.ofDays(30));
      assertThat(offerUses("TRIAL30")).isEqualTo(usesBefore + 1);
      assertThat(
              count(
                  "SELECT count(*) FROM offer_redemptions WHERE session_id = ? AND state = 'REDEEMED'",
                  pending.getSessionId()))
          .isEqualTo(1);

      // The relay republishing (killed between publish and mark) delivers the same event again.
      awaitConsumed("billing.payments");
      int version = sessionVersion(pending.getSessionId());
      ConsumerRecord<byte[], byte[]> event = succeededEventOf(pending.getSessionId()).orElseThrow();
      KAFKA
          .producer()
          .send(new ProducerRecord<>(event.topic(), event.partition(), event.key(), event.value()))
          .get(10, TimeUnit.SECONDS);
      awaitConsumed("billing.payments");
      assertThat(sessionVersion(pending.getSessionId())).isEqualTo(version);
      assertThat(entitlementsOfSessionUser(pending.getSessionId())).hasSize(1);
      assertThat(offerUses("TRIAL30")).isEqualTo(usesBefore + 1);
    }

    @Test
    void sepaFails_theEventSendsTheSessionBackToARetryablePaymentStep_andReleasesTheCode()
        throws Exception {
      int usesBefore = offerUses("WELCOME50");
      CheckoutSession pending = sepaPending(user(), "WELCOME50", FAILING_IBAN);
      assertThat(offerUses("WELCOME50")).isEqualTo(usesBefore + 1);

      advanceSimulatedDays(3);
      CheckoutSession declined =
          awaitSession(
              pending.getSessionId(),
              "the PaymentFailed event to decline the attempt",
              s -> s.getNextStep().getStepId().startsWith("declined-"));
      assertThat(declined.getState()).isEqualTo(SessionState.OPEN);
      assertThat(declined.getNextStep().getError().getRetryable()).isTrue();
      assertThat(offerUses("WELCOME50")).isEqualTo(usesBefore);
      assertThat(
              count(
                  "SELECT count(*) FROM offer_redemptions WHERE session_id = ?",
                  pending.getSessionId()))
          .isZero();
      assertThat(entitlementsOfSessionUser(pending.getSessionId())).isEmpty();

      // The payer tries again: the code is reserved again and the methods come back.
      CheckoutSession again = submit(declined, Map.of());
      assertThat(again.getNextStep().hasPaymentMethods()).as("%s", again.getNextStep()).isTrue();
      assertThat(offerUses("WELCOME50")).isEqualTo(usesBefore + 1);
      // The poll step the client still shows is behind the session: answered with it as it is.
      assertThat(submit(pending, Map.of()).getNextStep()).isEqualTo(again.getNextStep());
    }

    @Test
    void sepaReturnedAfterSucceeding_revokesThePlanAsDisputed() throws Exception {
      CheckoutSession pending = sepaPending(user(), "", RETURNED_IBAN);
      advanceSimulatedDays(3);
      awaitSession(
          pending.getSessionId(),
          "the debit to succeed",
          s -> s.getState() == SessionState.COMPLETED);
      assertThat(entitlementsOfSessionUser(pending.getSessionId()))
          .singleElement()
          .satisfies(e -> assertThat(e.getActive()).isTrue());

      advanceSimulatedDays(6);
      Entitlement revoked =
          Await.value(
              Duration.ofSeconds(60),
              "the return (PaymentDisputed) to revoke the plan",
              () ->
                  entitlementsOfSessionUser(pending.getSessionId()).stream()
                      .filter(e -> !e.getActive())
                      .findFirst());
      assertThat(revoked.getRevokedReason()).isEqualTo("DISPUTED");
      assertThat(get(pending.getSessionId()).getState()).isEqualTo(SessionState.COMPLETED);
    }

    @Test
    void consumerDownWhileThePaymentSettles_afterItsRestartTheSessionCompletesOnce()
        throws Exception {
      awaitConsumed("billing.payments");
      CheckoutSession earlier = sepaPending(user(), "", OK_IBAN);
      CHECKOUT.stop();
      try {
        advanceSimulatedDays(3);
        // Billing publishes while checkout is down.
        Await.until(
            Duration.ofSeconds(60),
            "billing to publish the PaymentSucceeded",
            () -> succeededEventOf(earlier.getSessionId()).isPresent());
      } finally {
        CHECKOUT.start();
      }
      CheckoutSession done =
          awaitSession(
              earlier.getSessionId(),
              "the restarted consumer to apply the event",
              s -> s.getState() == SessionState.COMPLETED);
      awaitConsumed("billing.payments");
      assertThat(entitlementsOfSessionUser(done.getSessionId())).hasSize(1);
      // Resumed from its committed offset: every event was applied once (one record per event id).
      assertThat(
              count(
                  "SELECT count(*) - count(DISTINCT event_id) FROM squadron_processed_event"
                      + " WHERE consumer_group = ?",
                  KAFKA.group("checkout")))
          .isZero();
    }

    @Test
    void userDeleted_entitlementsDeleted_sessionsAnonymised_openOnesCancelledAndTheirCodeReleased()
        throws Exception {
      String userId = user();
      CheckoutSession paid = sepaPending(userId, "", OK_IBAN);
      advanceSimulatedDays(3);
      awaitSession(paid.getSessionId(), "payment", s -> s.getState() == SessionState.COMPLETED);
      int usesBefore = offerUses("WELCOME50");
      CheckoutSession open =
          submit(
              app()
                  .createCheckoutSession(
                      CreateCheckoutSessionRequest.newBuilder()
                          .setUserId(userId)
                          .setPlanId("individual")
                          .setCountry("DE")
                          .setDevice(Device.WEB)
                          .setOfferCode("WELCOME50")
                          .build()),
              Map.of("postal_code", "10115", "vat_id", "DE123456789"));
      assertThat(offerUses("WELCOME50")).isEqualTo(usesBefore + 1);

      // userdb's event, as its outbox relay publishes it.
      UserDeleted deleted = UserDeleted.newBuilder().setUserId(userId).build();
      EventEnvelope envelope =
          EventEnvelope.newBuilder()
              .setEventId(UUID.randomUUID().toString())
              .setType(UserDeleted.getDescriptor().getFullName())
              .setKey(userId)
              .setOccurredAt(
                  com.google.protobuf.Timestamp.newBuilder()
                      .setSeconds(Instant.now().getEpochSecond()))
              .setProducer("userdb")
              .setPayload(Any.pack(deleted))
              .setSchemaVersion(1)
              .build();
      KAFKA
          .producer()
          .send(
              new ProducerRecord<>(
                  KAFKA.topic("userdb.users"),
                  userId.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                  envelope.toByteArray()))
          .get(10, TimeUnit.SECONDS);
      awaitConsumed("userdb.users");

      assertThat(count("SELECT count(*) FROM entitlements WHERE user_id = ?", userId)).isZero();
      assertThat(count("SELECT count(*) FROM checkout_sessions WHERE user_id = ?", userId))
          .isZero();
      assertThat(
              count(
                  "SELECT count(*) FROM checkout_sessions WHERE id = ? AND postal_code IS NULL"
                      + " AND vat_id IS NULL AND payment_method IS NULL AND user_id = '(deleted)'",
                  paid.getSessionId()))
          .isEqualTo(1);
      assertThat(get(open.getSessionId()).getState()).isEqualTo(SessionState.CANCELLED);
      assertThat(get(paid.getSessionId()).getState()).isEqualTo(SessionState.COMPLETED);
      assertThat(offerUses("WELCOME50")).isEqualTo(usesBefore);
      assertThat(count("SELECT count(*) FROM offer_redemptions WHERE user_id = ?", userId))
          .isZero();
    }

    @Test
    void getEntitlements_appsNameTheUserThroughASession_servicesByUserId() throws Exception {
      assertThatCall(
              () ->
                  app()
                      .getEntitlements(
                          GetEntitlementsRequest.newBuilder().setUserId("user-someone").build()))
          .hasCode(Status.Code.PERMISSION_DENIED)
          .hasReason(CheckoutErrorReason.USER_NOT_SCOPED)
          .hasBadField("user_id");
      assertThatCall(
              () ->
                  CHECKOUT
                      .stub("support-tool", CheckoutServiceGrpc::newBlockingStub)
                      .getEntitlements(
                          GetEntitlementsRequest.newBuilder()
                              .setUserId("user-someone")
                              .setSessionId("cs_x")
                              .build()))
          .hasCode(Status.Code.INVALID_ARGUMENT)
          .hasBadField("session_id");
      assertThatCall(
              () ->
                  app()
                      .getEntitlements(
                          GetEntitlementsRequest.newBuilder().setSessionId("cs_unknown").build()))
          .hasCode(Status.Code.NOT_FOUND)
          .hasReason(CheckoutErrorReason.SESSION_NOT_FOUND);
      assertThat(
              CHECKOUT
                  .stub("support-tool", CheckoutServiceGrpc::newBlockingStub)
                  .getEntitlements(
                      GetEntitlementsRequest.newBuilder().setUserId("user-without-plans").build())
                  .getEntitlementsList())
          .isEmpty();
    }
  }

  /**
   * The web checkout paying for real, in headless Chromium, through checkout, the real billing (its
   * PostgreSQL, Padlock, Kafka) and the provider simulator: a card payment through a 3-D Secure
   * step, and a SEPA debit shown pending, then done by itself when billing's payment event finishes
   * the session (the page only re-reads the session; nothing asks billing). The card is tokenized
   * at the acquirer's vault as the acquirer's hosted card field would (the page is given the
   * token), and the 3-D Secure challenge is answered at the simulated issuer, as the payer would in
   * the bank's window the page links to. Screenshots: target/screenshots/WebPage/.
   */
  @Nested
  class WebPage {

    private static WebDriver open(String country) {
      String user = "web-" + UUID.randomUUID();
      PADLOCK
          .stub("userdb", PadlockServiceGrpc::newBlockingStub)
          .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(user).build());
      URI page =
          URI.create(
              CHECKOUT.httpUri("/?user=" + user + "&plan=individual&country=" + country)
                  + "#token="
                  + CHECKOUT.appTokenOf("web"));
      return BROWSER.open(page);
    }

    private static WebElement shown(WebDriver page, By by, Duration timeout) {
      return new WebDriverWait(page, timeout)
          .until(
              d -> {
                var found = d.findElements(by);
                return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
              });
    }

    private static WebElement shown(WebDriver page, By by) {
      return shown(page, by, Duration.ofSeconds(30));
    }

    /** The address step answered; the page at the payment methods. */
    private static void toMethods(WebDriver page) {
      shown(page, By.id("field-postal_code")).sendKeys("10115");
      page.findElement(By.id("continue")).click();
      shown(page, By.id("methods"));
    }

    @Test
    void card_threeDSecureStepInThePage_thenDone() throws Exception {
      WebDriver page = open("DE");
      toMethods(page);
      page.findElement(By.id("pay-CARD-card_token.cardpay"))
          .sendKeys(tokenize("cardpay", "4000000000003220"));
      BROWSER.screenshot("card-methods");
      page.findElement(By.id("method-CARD")).click();

      WebElement link = shown(page, By.id("action-link"));
      assertThat(shown(page, By.cssSelector("#action h2")).getText()).contains("3-D Secure");
      assertThat(link.getAttribute("href")).contains("/cardpay/3ds/");
      BROWSER.screenshot("card-3ds-step");

      // The payer passes the challenge at the issuer (the window the link opens), then confirms.
      String paymentId =
          link.getAttribute("href").substring(link.getAttribute("href").lastIndexOf('/') + 1);
      SIM.control(
          "POST",
          "/providers/cardpay/payments/" + paymentId + "/actions/authenticate",
          "{\"result\":\"pass\"}");
      page.findElement(By.id("continue")).click();

      // On a busy machine billing may answer "try again" (a retryable step): the payer presses it.
      String receipt =
          new WebDriverWait(page, Duration.ofSeconds(60))
              .until(
                  d -> {
                    var done = d.findElements(By.id("receipt"));
                    if (!done.isEmpty()) {
                      return done.get(0).getText();
                    }
                    d.findElements(By.id("retry")).forEach(WebElement::click);
                    return null;
                  });
      assertThat(receipt).contains("€10.99");
      assertThat(shown(page, By.id("plan")).getText()).contains("individual");
      BROWSER.screenshot("card-done");
      String billingPayment = receipt.replaceAll(".*\\(payment ([^)]+)\\).*", "$1");
      assertThat(
              BILLING
                  .stub("checkout", BillingServiceGrpc::newBlockingStub)
                  .getPayment(GetPaymentRequest.newBuilder().setPaymentId(billingPayment).build())
                  .getPayment()
                  .getProviderReference())
          .isEqualTo(paymentId);
    }

    @Test
    void sepaDebit_shownPending_thenDoneByThePaymentEvent() throws Exception {
      WebDriver page = open("DE");
      toMethods(page);
      page.findElement(By.id("pay-SEPA_DEBIT-iban")).sendKeys("DE89370400440532013000");
      page.findElement(By.id("pay-SEPA_DEBIT-account_holder")).sendKeys("Ada Lovelace");
      page.findElement(By.id("method-SEPA_DEBIT")).click();

      assertThat(shown(page, By.cssSelector("#action h2")).getText()).contains("being processed");
      BROWSER.screenshot("sepa-pending");

      // Three simulated days: the debit is submitted and confirmed; billing publishes
      // PaymentSucceeded, checkout's consumer completes the session, the page sees it on its own.
      SIM.control("POST", "/clock/advance", "{\"seconds\":" + Duration.ofDays(3).toSeconds() + "}");
      assertThat(shown(page, By.id("receipt"), Duration.ofSeconds(60)).getText())
          .contains("€10.99");
      assertThat(shown(page, By.id("plan")).getText()).contains("individual");
      BROWSER.screenshot("sepa-done");
    }
  }
}
