package io.squadron.checkout.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Status;
import io.squadron.proto.checkout.v1.CancelCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.CheckoutErrorReason;
import io.squadron.proto.checkout.v1.CheckoutServiceGrpc;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.CreateCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.CreateOfferCodeRequest;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.DisableOfferCodeRequest;
import io.squadron.proto.checkout.v1.FormField;
import io.squadron.proto.checkout.v1.GetCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.ListPlansRequest;
import io.squadron.proto.checkout.v1.ListPlansResponse;
import io.squadron.proto.checkout.v1.OfferCode;
import io.squadron.proto.checkout.v1.PricedPlan;
import io.squadron.proto.checkout.v1.Quote;
import io.squadron.proto.checkout.v1.SessionState;
import io.squadron.proto.checkout.v1.Step;
import io.squadron.proto.checkout.v1.SubmitStepRequest;
import io.squadron.proto.checkout.v1.TaxMode;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.Await;
import io.squadron.testkit.service.ServiceExtension;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checkout at its edge: started from its descriptor over mutual TLS on its own PostgreSQL database,
 * called as a client app (gRPC with an app token, and HTTP/JSON as a browser). Billing is not
 * running here (its address is a closed port): every step up to the payment is real, and "billing
 * unavailable" must come back as a retryable step.
 */
class CheckoutServiceEdgeTest {
  @RegisterExtension
  static final ServiceExtension CHECKOUT =
      ServiceExtension.forService("checkout")
          .appToken("ios")
          .appToken("web")
          .config("squadron.clients.billing { addresses = [\"127.0.0.1:1\"], deadline = 2s }")
          .config("squadron.checkout.billing-deadline = 2s")
          // Only for the expiry test's second instance, called with a service identity.
          .config(
              "squadron.permissions.policy { \"squadron.checkout.v1.CheckoutService\" += checkout-test }");

  private static CheckoutServiceGrpc.CheckoutServiceBlockingStub app() {
    return CHECKOUT.appStub("ios", CheckoutServiceGrpc::newBlockingStub);
  }

  private static String user() {
    return "user-" + UUID.randomUUID();
  }

  private static CreateCheckoutSessionRequest.Builder create(String country, String offer) {
    return CreateCheckoutSessionRequest.newBuilder()
        .setUserId(user())
        .setPlanId("individual")
        .setCountry(country)
        .setDevice(Device.WEB)
        .setOfferCode(offer);
  }

  private static CheckoutServiceGrpc.CheckoutServiceBlockingStub operator() {
    return CHECKOUT.stub("checkout-ops", CheckoutServiceGrpc::newBlockingStub);
  }

  /** A 25 % code, added as an operator through the API. */
  private static void addCode(
      String code, int maxRedemptions, String expiresAt, String... countries) {
    Instant expires = Instant.parse(expiresAt);
    operator()
        .createOfferCode(
            CreateOfferCodeRequest.newBuilder()
                .setCode(code)
                .setPercentOff(25)
                .setMaxRedemptions(maxRedemptions)
                .setExpiresAt(
                    com.google.protobuf.Timestamp.newBuilder().setSeconds(expires.getEpochSecond()))
                .addAllCountries(List.of(countries))
                .build());
  }

  /**
   * A code that expired in the past: the API refuses to create one, so it goes into the table (as a
   * code that was created and then ran out).
   */
  private static void addExpiredCode(String code) throws Exception {
    try (Connection c = CHECKOUT.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO offer_codes (code, percent_off, max_redemptions, expires_at)"
                    + " VALUES (?, 25, 10, '2020-01-01T00:00:00Z')")) {
      s.setString(1, code);
      s.executeUpdate();
    }
  }

  private static int used(String code) throws Exception {
    try (Connection c = CHECKOUT.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT used, (SELECT count(*) FROM offer_redemptions r"
                    + " WHERE r.code = o.code) FROM offer_codes o WHERE code = ?")) {
      s.setString(1, code);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        assertThat(r.getInt(1)).as("used agrees with the reservation rows").isEqualTo(r.getInt(2));
        return r.getInt(1);
      }
    }
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

  @Test
  void listPlans_pricesTaxesAndCurrencyPerCountryAndDevice() {
    ListPlansResponse se =
        app()
            .listPlans(
                ListPlansRequest.newBuilder().setCountry("SE").setDevice(Device.WEB).build());
    assertThat(se.getPlansList())
        .extracting(PricedPlan::getPlanId)
        .containsExactly("individual", "student", "duo", "family");
    Quote individual = se.getPlans(0).getPrice();
    assertThat(individual.getCurrency()).isEqualTo("SEK");
    assertThat(individual.getTaxMode()).isEqualTo(TaxMode.VAT_INCLUDED);
    assertThat(individual.getTotal()).isEqualTo(11900);
    assertThat(individual.getTax()).isEqualTo(2380);

    Quote usIos =
        app()
            .listPlans(ListPlansRequest.newBuilder().setCountry("US").setDevice(Device.IOS).build())
            .getPlans(0)
            .getPrice();
    assertThat(usIos.getCurrency()).isEqualTo("USD");
    assertThat(usIos.getTaxMode()).isEqualTo(TaxMode.SALES_TAX_ADDED);
    assertThat(usIos.getListPrice()).isEqualTo(1299);
    assertThat(usIos.getTax()).isEqualTo(94); // 1299 * 7.25 % = 94.1775
    assertThat(usIos.getTotal()).isEqualTo(1393);

    // Student is not sold through the iOS app.
    assertThat(
            app()
                .listPlans(
                    ListPlansRequest.newBuilder().setCountry("DE").setDevice(Device.IOS).build())
                .getPlansList())
        .extracting(PricedPlan::getPlanId)
        .doesNotContain("student");
  }

  @Test
  void badInput_namesTheField() {
    assertThatCall(
            () ->
                app()
                    .createCheckoutSession(
                        create("se", "").setDevice(Device.DEVICE_UNSPECIFIED).build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("country")
        .hasBadField("device");
    assertThatCall(() -> app().createCheckoutSession(create("FR", "").build()))
        .hasCode(Status.Code.NOT_FOUND)
        .hasReason(CheckoutErrorReason.PLAN_NOT_AVAILABLE)
        .hasBadField("country");
    assertThatCall(
            () -> app().createCheckoutSession(create("SE", "").setPlanId("platinum").build()))
        .hasCode(Status.Code.NOT_FOUND)
        .hasReason(CheckoutErrorReason.PLAN_NOT_AVAILABLE)
        .hasBadField("plan_id");
    assertThatCall(
            () -> app().createCheckoutSession(create("SE", "").addCapabilities("hologram").build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("capabilities[0]");
    assertThatCall(
            () ->
                app()
                    .getCheckoutSession(
                        GetCheckoutSessionRequest.newBuilder().setSessionId("cs_nope").build()))
        .hasCode(Status.Code.NOT_FOUND)
        .hasReason(CheckoutErrorReason.SESSION_NOT_FOUND);
  }

  @Test
  void
      session_offerCodeApplied_invalidPostalCodeShownOnItsField_thenBillingUnavailableIsARetryableStep()
          throws Exception {
    CheckoutSession s = app().createCheckoutSession(create("SE", "welcome50").build());
    assertThat(s.getState()).isEqualTo(SessionState.OPEN);
    Quote q = s.getQuote();
    assertThat(q.getOfferCode()).isEqualTo("WELCOME50");
    assertThat(q.getDiscount()).isEqualTo(5950);
    assertThat(q.getTotal()).isEqualTo(5950);
    assertThat(q.getTax()).isEqualTo(1190);
    assertThat(q.getSignature()).isNotEmpty();
    Step address = s.getNextStep();
    assertThat(address.getForm().getFieldsList())
        .extracting(FormField::getName)
        .containsExactly("postal_code", "vat_id");

    CheckoutSession invalid = submit(s, Map.of("postal_code", "ABC"));
    FormField postal = invalid.getNextStep().getForm().getFields(0);
    assertThat(postal.getError()).contains("123 45");
    assertThat(postal.getValue()).isEqualTo("ABC");
    assertThat(invalid.getNextStep().getStepId()).isNotEqualTo(address.getStepId());

    assertThatCall(() -> submit(invalid, Map.of("postal_code", "123 45", "colour", "red")))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("values.colour");

    CheckoutSession retry = submit(invalid, Map.of("postal_code", "123 45"));
    assertThat(retry.getNextStep().getError().getRetryable()).isTrue();
    assertThat(retry.getState()).isEqualTo(SessionState.OPEN);

    // A client retrying the address step it already answered gets the session as it is, not a
    // second move.
    CheckoutSession again = submit(invalid, Map.of("postal_code", "123 45"));
    assertThat(again.getNextStep()).isEqualTo(retry.getNextStep());
    // Retrying the error step while billing is still down: another retryable step, nothing charged
    // anywhere.
    CheckoutSession stillDown = submit(retry, Map.of());
    assertThat(stillDown.getNextStep().getError().getRetryable()).isTrue();
    assertThatCall(
            () ->
                app()
                    .submitStep(
                        SubmitStepRequest.newBuilder()
                            .setSessionId(s.getSessionId())
                            .setStepId("methods-99")
                            .build()))
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(CheckoutErrorReason.STEP_MISMATCH)
        .hasBadField("step_id");
    assertThat(used("WELCOME50")).isPositive();
  }

  @Test
  void offerCode_racedByFiftyUsers_exactlyTheLimitWins() throws Exception {
    addCode("RACE5", 5, "2030-01-01T00:00:00Z");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Callable<Boolean>> racers = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        racers.add(
            () -> {
              try {
                app().createCheckoutSession(create("DE", "RACE5").build());
                return true;
              } catch (io.grpc.StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                return false;
              }
            });
      }
      long won = 0;
      for (Future<Boolean> f : pool.invokeAll(racers)) {
        won += f.get() ? 1 : 0;
      }
      assertThat(won).isEqualTo(5);
      assertThat(used("RACE5")).isEqualTo(5);
    } finally {
      pool.shutdownNow();
    }
    assertThatCall(() -> app().createCheckoutSession(create("DE", "RACE5").build()))
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(CheckoutErrorReason.OFFER_CODE_NOT_APPLICABLE)
        .hasBadField("offer_code")
        .hasMessageContaining("every use");
  }

  @Test
  void create_retriedWithItsRequestId_answersTheFirstSession_otherValuesRefused() throws Exception {
    addCode("RETRY1", 10, "2030-01-01T00:00:00Z");
    CreateCheckoutSessionRequest request =
        create("DE", "RETRY1").setRequestId(UUID.randomUUID().toString()).build();
    CheckoutSession first = app().createCheckoutSession(request);
    // A retry after a lost answer: the same session and quote, not ALREADY_EXISTS on the code's
    // one use per user, and no second use taken.
    CheckoutSession retried = app().createCheckoutSession(request);
    assertThat(retried.getSessionId()).isEqualTo(first.getSessionId());
    assertThat(retried.getQuote()).isEqualTo(first.getQuote());
    assertThat(retried.getNextStep()).isEqualTo(first.getNextStep());
    assertThat(used("RETRY1")).isEqualTo(1);
    // A retry after the session moved on answers it as it is now.
    CheckoutSession invalid = submit(first, Map.of("postal_code", "x"));
    assertThat(app().createCheckoutSession(request).getNextStep()).isEqualTo(invalid.getNextStep());
    // The request id is the client's (UUIDs compare by value, not by letter case).
    assertThat(
            app()
                .createCheckoutSession(
                    request.toBuilder()
                        .setRequestId(request.getRequestId().toUpperCase(java.util.Locale.ROOT))
                        .build())
                .getSessionId())
        .isEqualTo(first.getSessionId());

    // Another request under the same id: refused, naming the field; another user never sees the
    // session.
    for (CreateCheckoutSessionRequest other :
        List.of(
            request.toBuilder().setPlanId("duo").build(),
            request.toBuilder().setCountry("SE").build(),
            request.toBuilder().clearOfferCode().build(),
            request.toBuilder().setUserId(user()).build())) {
      assertThatCall(() -> app().createCheckoutSession(other))
          .hasCode(Status.Code.ALREADY_EXISTS)
          .hasReason(CheckoutErrorReason.REQUEST_ID_REUSED)
          .hasBadField("request_id");
    }
    // Scoped to the caller: another app's request with the same id is its own.
    CheckoutSession web =
        CHECKOUT
            .appStub("web", CheckoutServiceGrpc::newBlockingStub)
            .createCheckoutSession(request.toBuilder().clearOfferCode().build());
    assertThat(web.getSessionId()).isNotEqualTo(first.getSessionId());
    assertThat(sessionsOf(request.getUserId())).isEqualTo(2);

    assertThatCall(
            () -> app().createCheckoutSession(create("DE", "").setRequestId("not-a-uuid").build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("request_id");
  }

  @Test
  void create_concurrentCallsWithOneRequestId_createOneSession() throws Exception {
    addCode("RETRY2", 10, "2030-01-01T00:00:00Z");
    CreateCheckoutSessionRequest request =
        create("DE", "RETRY2").setRequestId(UUID.randomUUID().toString()).build();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<String>> racers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        racers.add(() -> app().createCheckoutSession(request).getSessionId());
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : pool.invokeAll(racers)) {
        ids.add(f.get());
      }
      assertThat(ids).hasSize(8).containsOnly(ids.get(0));
    } finally {
      pool.shutdownNow();
    }
    assertThat(sessionsOf(request.getUserId())).isEqualTo(1);
    assertThat(used("RETRY2")).isEqualTo(1);
  }

  private static int sessionsOf(String userId) throws Exception {
    try (Connection c = CHECKOUT.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT count(*) FROM checkout_sessions WHERE user_id = ?")) {
      s.setString(1, userId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return r.getInt(1);
      }
    }
  }

  @Test
  void offerCode_oncePerUser_countryAndExpiryRestricted_releasedOnCancel() throws Exception {
    addCode("ONCE", 10, "2030-01-01T00:00:00Z", "SE", "DE");
    addExpiredCode("GONE");
    CreateCheckoutSessionRequest first = create("SE", "ONCE").build();
    CheckoutSession s = app().createCheckoutSession(first);
    assertThat(used("ONCE")).isEqualTo(1);
    assertThatCall(() -> app().createCheckoutSession(first))
        .hasCode(Status.Code.ALREADY_EXISTS)
        .hasReason(CheckoutErrorReason.OFFER_CODE_ALREADY_USED)
        .hasBadField("offer_code");
    assertThatCall(() -> app().createCheckoutSession(create("US", "ONCE").build()))
        .hasReason(CheckoutErrorReason.OFFER_CODE_NOT_APPLICABLE)
        .hasMessageContaining("not valid in US");
    assertThatCall(() -> app().createCheckoutSession(create("SE", "GONE").build()))
        .hasReason(CheckoutErrorReason.OFFER_CODE_NOT_APPLICABLE)
        .hasMessageContaining("expired");
    assertThatCall(() -> app().createCheckoutSession(create("SE", "NOSUCHCODE").build()))
        .hasReason(CheckoutErrorReason.OFFER_CODE_NOT_APPLICABLE);
    assertThatCall(() -> app().createCheckoutSession(create("US", "SEK20").build()))
        .hasReason(CheckoutErrorReason.OFFER_CODE_NOT_APPLICABLE);

    CheckoutSession cancelled =
        app()
            .cancelCheckoutSession(
                CancelCheckoutSessionRequest.newBuilder().setSessionId(s.getSessionId()).build());
    assertThat(cancelled.getState()).isEqualTo(SessionState.CANCELLED);
    assertThat(used("ONCE")).isZero();
    assertThatCall(() -> submit(cancelled, Map.of("postal_code", "123 45")))
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(CheckoutErrorReason.SESSION_CLOSED);
    // Released: the same user may use it again.
    assertThat(app().createCheckoutSession(first).getQuote().getOfferCode()).isEqualTo("ONCE");
  }

  @Test
  void offerCode_releasedWhenTheSessionExpires() throws Exception {
    addCode("SHORT", 1, "2030-01-01T00:00:00Z");
    SquadronServer shortLived = CHECKOUT.startInstance("squadron.checkout.session-ttl = 1s");
    var asTest = CHECKOUT.stub("checkout-test", shortLived, CheckoutServiceGrpc::newBlockingStub);
    CheckoutSession s = asTest.createCheckoutSession(create("SE", "SHORT").build());
    assertThat(used("SHORT")).isEqualTo(1);
    // The last use is taken until the session expires; then the next racer's reservation releases
    // it.
    Await.until(
        Duration.ofSeconds(20),
        "the session to expire",
        () ->
            asTest
                    .getCheckoutSession(
                        GetCheckoutSessionRequest.newBuilder()
                            .setSessionId(s.getSessionId())
                            .build())
                    .getState()
                == SessionState.EXPIRED);
    assertThat(used("SHORT")).isZero();
    assertThat(app().createCheckoutSession(create("SE", "SHORT").build()).getQuote().getOfferCode())
        .isEqualTo("SHORT");
  }

  @Test
  void tamperedQuote_refused() throws Exception {
    CheckoutSession s = app().createCheckoutSession(create("DE", "").build());
    Quote cheaper = s.getQuote().toBuilder().setTotal(1).build();
    try (Connection c = CHECKOUT.postgres().dataSource().getConnection();
        PreparedStatement u =
            c.prepareStatement("UPDATE checkout_sessions SET quote = ? WHERE id = ?")) {
      u.setBytes(1, cheaper.toByteArray());
      u.setString(2, s.getSessionId());
      assertThat(u.executeUpdate()).isEqualTo(1);
    }
    assertThatCall(() -> submit(s, Map.of("postal_code", "10115")))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasReason(CheckoutErrorReason.QUOTE_TAMPERED);
  }

  @Test
  void stepUnknownToTheClient_fallsBackToTheWebCheckout() {
    CheckoutSession s =
        app()
            .createCheckoutSession(
                create("US", "")
                    .addCapabilities("payment_methods")
                    .addCapabilities("done")
                    .build());
    assertThat(s.getNextStep().hasFallback()).isTrue();
    assertThat(s.getNextStep().getFallback().getUnsupportedKind()).isEqualTo("form");
    assertThat(s.getNextStep().getFallback().getUrl()).contains(s.getSessionId());
  }

  @Test
  void httpJson_asABrowser_sameApiSameRules() throws Exception {
    String token = CHECKOUT.appTokenOf("web");
    HttpResponse<String> plans =
        CHECKOUT
            .httpClient()
            .send(
                HttpRequest.newBuilder(CHECKOUT.httpUri("/v1/plans?country=US&device=WEB"))
                    .header("authorization", "Bearer " + token)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(plans.statusCode()).isEqualTo(200);
    JsonObject first =
        JsonParser.parseString(plans.body())
            .getAsJsonObject()
            .getAsJsonArray("plans")
            .get(0)
            .getAsJsonObject();
    assertThat(first.getAsJsonObject("price").get("taxMode").getAsString())
        .isEqualTo("SALES_TAX_ADDED");
    assertThat(first.getAsJsonObject("price").get("total").getAsString()).isEqualTo("1286");

    HttpRequest create =
        HttpRequest.newBuilder(CHECKOUT.httpUri("/v1/sessions"))
            .header("authorization", "Bearer " + token)
            .header("content-type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"userId\": \""
                        + user()
                        + "\", \"planId\": \"duo\","
                        + " \"country\": \"DE\", \"device\": \"WEB\", \"requestId\": \""
                        + UUID.randomUUID()
                        + "\"}"))
            .build();
    HttpResponse<String> created =
        CHECKOUT.httpClient().send(create, HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(200);
    JsonObject session = JsonParser.parseString(created.body()).getAsJsonObject();
    String id = session.get("sessionId").getAsString();
    // The same create sent again (a browser retrying after a lost answer): the same session.
    HttpResponse<String> again =
        CHECKOUT.httpClient().send(create, HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(
            JsonParser.parseString(again.body()).getAsJsonObject().get("sessionId").getAsString())
        .isEqualTo(id);
    String stepId = session.getAsJsonObject("nextStep").get("stepId").getAsString();

    HttpResponse<String> invalid =
        CHECKOUT
            .httpClient()
            .send(
                HttpRequest.newBuilder(CHECKOUT.httpUri("/v1/sessions/" + id + "/steps/" + stepId))
                    .header("authorization", "Bearer " + token)
                    .header("content-type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"values\": {\"postal_code\": \"1\"}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(invalid.statusCode()).isEqualTo(200);
    assertThat(
            JsonParser.parseString(invalid.body())
                .getAsJsonObject()
                .getAsJsonObject("nextStep")
                .getAsJsonObject("form")
                .getAsJsonArray("fields")
                .get(0)
                .getAsJsonObject()
                .get("error")
                .getAsString())
        .contains("10115");

    HttpResponse<String> anonymous =
        CHECKOUT
            .httpClient()
            .send(
                HttpRequest.newBuilder(CHECKOUT.httpUri("/v1/sessions/" + id)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    HttpResponse<String> badCountry =
        CHECKOUT
            .httpClient()
            .send(
                HttpRequest.newBuilder(CHECKOUT.httpUri("/v1/plans?country=germany&device=WEB"))
                    .header("authorization", "Bearer " + token)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(badCountry.statusCode()).isEqualTo(400);
    assertThat(badCountry.body()).contains("\"country\"").doesNotContain("Exception");

    HttpResponse<String> page =
        CHECKOUT
            .httpClient()
            .send(
                HttpRequest.newBuilder(CHECKOUT.httpUri("/")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("checkout.js");
  }

  @Test
  void storedSession_matchesWhatTheClientSaw() throws Exception {
    CheckoutSession s = app().createCheckoutSession(create("SE", "").build());
    try (Connection c = CHECKOUT.postgres().dataSource().getConnection();
        PreparedStatement q =
            c.prepareStatement("SELECT state, quote FROM checkout_sessions WHERE id = ?")) {
      q.setString(1, s.getSessionId());
      try (ResultSet r = q.executeQuery()) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("OPEN");
        assertThat(Quote.parseFrom(r.getBytes(2))).isEqualTo(s.getQuote());
      }
    }
    assertThatCall(
            () ->
                CHECKOUT
                    .stub("billing", CheckoutServiceGrpc::newBlockingStub)
                    .getCheckoutSession(
                        GetCheckoutSessionRequest.newBuilder()
                            .setSessionId(s.getSessionId())
                            .build()))
        .hasCode(Status.Code.PERMISSION_DENIED)
        .hasReason(ErrorReason.CALLER_NOT_ALLOWED);
  }

  @Test
  void offerCodeAdmin_operatorsCreateAndDisable_appsMayNot_badFieldsNamed() {
    CreateOfferCodeRequest spring =
        CreateOfferCodeRequest.newBuilder()
            .setCode("SPRING10")
            .setAmountOff(1000)
            .setCurrency("EUR")
            .setTrialDays(7)
            .setMaxRedemptions(3)
            .setExpiresAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(1_900_000_000L))
            .addCountries("DE")
            .build();
    assertThatCall(() -> app().createOfferCode(spring)).hasCode(Status.Code.PERMISSION_DENIED);

    OfferCode created = operator().createOfferCode(spring);
    assertThat(created.getCode()).isEqualTo("SPRING10");
    assertThat(created.getAmountOff()).isEqualTo(1000);
    assertThat(created.getCurrency()).isEqualTo("EUR");
    assertThat(created.getTrialDays()).isEqualTo(7);
    assertThat(created.getCountriesList()).containsExactly("DE");
    assertThat(created.getUsed()).isZero();
    assertThat(created.getDisabled()).isFalse();
    assertThatCall(() -> operator().createOfferCode(spring.toBuilder().setAmountOff(1).build()))
        .hasCode(Status.Code.ALREADY_EXISTS)
        .hasReason(CheckoutErrorReason.OFFER_CODE_EXISTS)
        .hasBadField("code");
    assertThatCall(
            () ->
                operator()
                    .createOfferCode(
                        spring.toBuilder()
                            .setCode("bad code")
                            .setPercentOff(150)
                            .setExpiresAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(1))
                            .build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("code")
        .hasBadField("percent_off")
        .hasBadField("expires_at");

    CheckoutSession held = app().createCheckoutSession(create("DE", "SPRING10").build());
    assertThat(held.getQuote().getDiscount()).isEqualTo(1000);
    OfferCode disabled =
        operator()
            .disableOfferCode(DisableOfferCodeRequest.newBuilder().setCode("SPRING10").build());
    assertThat(disabled.getDisabled()).isTrue();
    assertThat(disabled.getUsed()).isEqualTo(1);
    assertThatCall(() -> app().createCheckoutSession(create("DE", "SPRING10").build()))
        .hasCode(Status.Code.FAILED_PRECONDITION)
        .hasReason(CheckoutErrorReason.OFFER_CODE_NOT_APPLICABLE)
        .hasBadField("offer_code");
    // The session that reserved it keeps its price.
    assertThat(
            app()
                .getCheckoutSession(
                    GetCheckoutSessionRequest.newBuilder()
                        .setSessionId(held.getSessionId())
                        .build())
                .getQuote()
                .getDiscount())
        .isEqualTo(1000);
    assertThatCall(
            () ->
                operator()
                    .disableOfferCode(
                        DisableOfferCodeRequest.newBuilder().setCode("NO-SUCH").build()))
        .hasCode(Status.Code.NOT_FOUND)
        .hasReason(CheckoutErrorReason.OFFER_CODE_NOT_FOUND);
  }
}
