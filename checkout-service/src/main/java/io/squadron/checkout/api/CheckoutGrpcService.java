package io.squadron.checkout.api;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.squadron.checkout.catalog.Catalog;
import io.squadron.checkout.entitlements.Entitlement;
import io.squadron.checkout.entitlements.EntitlementStore;
import io.squadron.checkout.offers.Offer;
import io.squadron.checkout.offers.OfferStore;
import io.squadron.checkout.session.CheckoutException;
import io.squadron.checkout.session.CheckoutFlow;
import io.squadron.checkout.session.SessionStore;
import io.squadron.proto.checkout.v1.CancelCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.CheckoutErrorReason;
import io.squadron.proto.checkout.v1.CheckoutServiceGrpc;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.CreateCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.CreateOfferCodeRequest;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.DisableOfferCodeRequest;
import io.squadron.proto.checkout.v1.GetCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.GetEntitlementsRequest;
import io.squadron.proto.checkout.v1.GetEntitlementsResponse;
import io.squadron.proto.checkout.v1.ListPlansRequest;
import io.squadron.proto.checkout.v1.ListPlansResponse;
import io.squadron.proto.checkout.v1.OfferCode;
import io.squadron.proto.checkout.v1.PricedPlan;
import io.squadron.proto.checkout.v1.SubmitStepRequest;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.identity.Caller;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** The API: validates requests (naming bad fields) and hands them to the flow. */
public final class CheckoutGrpcService extends CheckoutServiceGrpc.CheckoutServiceImplBase {
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final Pattern CODE = Pattern.compile("[A-Z0-9-]{1,32}");
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern STEP_ID = Pattern.compile("[a-z]+-[0-9]{1,6}");
  private static final Pattern UUID_TEXT =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final int MAX_VALUES = 16;

  private final Catalog catalog;
  private final CheckoutFlow flow;
  private final EntitlementStore entitlements;
  private final OfferStore offers;
  private final Clock clock;

  public CheckoutGrpcService(
      Catalog catalog,
      CheckoutFlow flow,
      EntitlementStore entitlements,
      OfferStore offers,
      Clock clock) {
    this.catalog = requireNonNull(catalog, "catalog");
    this.flow = requireNonNull(flow, "flow");
    this.entitlements = requireNonNull(entitlements, "entitlements");
    this.offers = requireNonNull(offers, "offers");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public void listPlans(ListPlansRequest request, StreamObserver<ListPlansResponse> response) {
    RpcErrors.InvalidArgumentBuilder bad = RpcErrors.invalidArguments();
    country(request.getCountry(), bad);
    device(request.getDevice(), bad);
    if (!bad.isEmpty()) {
      throw bad.build();
    }
    Catalog.Country country =
        catalog
            .country(request.getCountry())
            .orElseThrow(
                () ->
                    new CheckoutException(
                        Status.Code.NOT_FOUND,
                        CheckoutErrorReason.PLAN_NOT_AVAILABLE,
                        "checkout does not sell in " + request.getCountry(),
                        Optional.of("country")));
    ListPlansResponse.Builder plans = ListPlansResponse.newBuilder();
    for (Catalog.Plan plan : catalog.plans().values()) {
      if (country.price(plan.id(), request.getDevice()).isPresent()) {
        plans.addPlans(
            PricedPlan.newBuilder()
                .setPlanId(plan.id())
                .setName(plan.name())
                .setAccounts(plan.accounts())
                .setPrice(flow.listPrice(country, plan.id(), request.getDevice())));
      }
    }
    response.onNext(plans.build());
    response.onCompleted();
  }

  @Override
  public void createCheckoutSession(
      CreateCheckoutSessionRequest request, StreamObserver<CheckoutSession> response) {
    RpcErrors.InvalidArgumentBuilder bad = RpcErrors.invalidArguments();
    if (!ID.matcher(request.getUserId()).matches()) {
      bad.field("user_id", "1-128 letters, digits or _.:-");
    }
    if (request.getPlanId().isEmpty() || request.getPlanId().length() > 32) {
      bad.field("plan_id", "a plan id from ListPlans");
    }
    country(request.getCountry(), bad);
    device(request.getDevice(), bad);
    String code = request.getOfferCode().strip().toUpperCase(Locale.ROOT);
    if (!code.isEmpty() && !CODE.matcher(code).matches()) {
      bad.field("offer_code", "1-32 letters, digits or dashes");
    }
    for (int i = 0; i < request.getCapabilitiesCount(); i++) {
      if (!CheckoutFlow.STEP_KINDS.contains(request.getCapabilities(i))) {
        bad.field("capabilities[" + i + "]", "one of " + CheckoutFlow.STEP_KINDS);
      }
    }
    Optional<SessionStore.RequestKey> requestKey = Optional.empty();
    if (!request.getRequestId().isEmpty()) {
      Optional<UUID> requestId = uuid(request.getRequestId());
      if (requestId.isEmpty()) {
        bad.field(
            "request_id", "a UUID (e.g. 123e4567-e89b-12d3-a456-426614174000), one per checkout");
      } else {
        requestKey =
            Optional.of(new SessionStore.RequestKey(Caller.current().name(), requestId.get()));
      }
    }
    if (!bad.isEmpty()) {
      throw bad.build();
    }
    response.onNext(
        flow.create(
            new CheckoutFlow.NewSession(
                request.getUserId(),
                request.getPlanId(),
                request.getCountry(),
                request.getDevice(),
                code.isEmpty() ? Optional.empty() : Optional.of(code),
                List.copyOf(request.getCapabilitiesList()),
                requestKey)));
    response.onCompleted();
  }

  @Override
  public void submitStep(SubmitStepRequest request, StreamObserver<CheckoutSession> response) {
    RpcErrors.InvalidArgumentBuilder bad = RpcErrors.invalidArguments();
    sessionId(request.getSessionId(), bad);
    if (!STEP_ID.matcher(request.getStepId()).matches()) {
      bad.field("step_id", "the step_id of the session's next_step");
    }
    if (request.getValuesCount() > MAX_VALUES) {
      bad.field("values", "at most " + MAX_VALUES + " values");
    }
    for (Map.Entry<String, String> v : request.getValuesMap().entrySet()) {
      if (v.getValue().length() > 256) {
        bad.field(
            "values." + (v.getKey().length() > 32 ? v.getKey().substring(0, 32) : v.getKey()),
            "at most 256 characters");
      }
    }
    if (!bad.isEmpty()) {
      throw bad.build();
    }
    response.onNext(
        flow.submit(request.getSessionId(), request.getStepId(), request.getValuesMap()));
    response.onCompleted();
  }

  @Override
  public void getCheckoutSession(
      GetCheckoutSessionRequest request, StreamObserver<CheckoutSession> response) {
    RpcErrors.InvalidArgumentBuilder bad = RpcErrors.invalidArguments();
    sessionId(request.getSessionId(), bad);
    if (!bad.isEmpty()) {
      throw bad.build();
    }
    response.onNext(flow.get(request.getSessionId()));
    response.onCompleted();
  }

  @Override
  public void cancelCheckoutSession(
      CancelCheckoutSessionRequest request, StreamObserver<CheckoutSession> response) {
    RpcErrors.InvalidArgumentBuilder bad = RpcErrors.invalidArguments();
    sessionId(request.getSessionId(), bad);
    if (!bad.isEmpty()) {
      throw bad.build();
    }
    response.onNext(flow.cancel(request.getSessionId()));
    response.onCompleted();
  }

  /**
   * A client app names the user through a session it holds (the session id is the same bearer
   * capability that lets it drive that session); an app token names an app, not an end user, so an
   * app asking by user id is refused. Services the policy grants this method may ask by user id.
   */
  @Override
  public void getEntitlements(
      GetEntitlementsRequest request, StreamObserver<GetEntitlementsResponse> response) {
    boolean bySession = !request.getSessionId().isEmpty();
    boolean byUser = !request.getUserId().isEmpty();
    if (Caller.current().isApp() && byUser) {
      throw RpcErrors.of(
          Status.Code.PERMISSION_DENIED,
          CheckoutErrorReason.USER_NOT_SCOPED,
          "client apps name the user through a checkout session they hold (session_id), not user_id",
          BadRequest.newBuilder()
              .addFieldViolations(
                  BadRequest.FieldViolation.newBuilder()
                      .setField("user_id")
                      .setDescription("not allowed for client apps; send session_id instead"))
              .build());
    }
    RpcErrors.InvalidArgumentBuilder bad = RpcErrors.invalidArguments();
    if (bySession == byUser) {
      bad.field("session_id", "exactly one of session_id and user_id");
    } else if (bySession) {
      sessionId(request.getSessionId(), bad);
    } else if (!ID.matcher(request.getUserId()).matches()) {
      bad.field("user_id", "1-128 letters, digits or _.:-");
    }
    if (!bad.isEmpty()) {
      throw bad.build();
    }
    String userId = bySession ? flow.get(request.getSessionId()).getUserId() : request.getUserId();
    GetEntitlementsResponse.Builder out = GetEntitlementsResponse.newBuilder();
    for (Entitlement e : entitlements.ofUser(userId)) {
      io.squadron.proto.checkout.v1.Entitlement.Builder b =
          io.squadron.proto.checkout.v1.Entitlement.newBuilder()
              .setUserId(e.userId())
              .setPlanId(e.planId())
              .setCountry(e.country())
              .setPaymentId(e.paymentId())
              .setSessionId(e.sessionId())
              .setGrantedAt(timestamp(e.grantedAt()))
              .setActive(e.active());
      e.trialEndsAt().ifPresent(t -> b.setTrialEndsAt(timestamp(t)));
      e.revokedAt().ifPresent(t -> b.setRevokedAt(timestamp(t)));
      e.revokedReason().ifPresent(b::setRevokedReason);
      out.addEntitlements(b);
    }
    response.onNext(out.build());
    response.onCompleted();
  }

  /** Operators (the descriptor grants it to no app): a new offer code. */
  @Override
  public void createOfferCode(CreateOfferCodeRequest request, StreamObserver<OfferCode> response) {
    RpcErrors.InvalidArgumentBuilder bad = RpcErrors.invalidArguments();
    if (!CODE.matcher(request.getCode()).matches()) {
      bad.field("code", "1-32 of A-Z, 0-9 and '-'");
    }
    int kinds = (request.getPercentOff() != 0 ? 1 : 0) + (request.getAmountOff() != 0 ? 1 : 0);
    if (request.getPercentOff() < 0 || request.getPercentOff() > 100) {
      bad.field("percent_off", "1-100");
    }
    if (request.getAmountOff() < 0 || request.getAmountOff() > 100_000_000) {
      bad.field("amount_off", "minor units of currency, 1-100000000");
    }
    if (kinds > 1) {
      bad.field("amount_off", "not with percent_off (one kind of discount per code)");
    }
    if (request.getAmountOff() > 0 && !CURRENCY.matcher(request.getCurrency()).matches()) {
      bad.field("currency", "the ISO 4217 currency of amount_off, e.g. EUR");
    }
    if (request.getAmountOff() == 0 && !request.getCurrency().isEmpty()) {
      bad.field("currency", "only with amount_off");
    }
    if (request.getTrialDays() < 0 || request.getTrialDays() > 366) {
      bad.field("trial_days", "0-366");
    }
    if (kinds == 0 && request.getTrialDays() == 0) {
      bad.field("percent_off", "a discount (percent_off or amount_off) or trial_days");
    }
    if (request.getMaxRedemptions() <= 0) {
      bad.field("max_redemptions", "> 0");
    }
    Instant expires =
        Instant.ofEpochSecond(
            request.getExpiresAt().getSeconds(), request.getExpiresAt().getNanos());
    if (!request.hasExpiresAt() || !expires.isAfter(clock.instant())) {
      bad.field("expires_at", "a time in the future");
    }
    for (int i = 0; i < request.getCountriesCount(); i++) {
      if (!COUNTRY.matcher(request.getCountries(i)).matches()) {
        bad.field("countries[" + i + "]", "ISO 3166-1 alpha-2, upper case (e.g. SE)");
      }
    }
    if (!bad.isEmpty()) {
      throw bad.build();
    }
    Offer offer =
        new Offer(
            request.getCode(),
            request.getPercentOff(),
            request.getAmountOff(),
            request.getCurrency().isEmpty() ? Optional.empty() : Optional.of(request.getCurrency()),
            request.getTrialDays(),
            request.getMaxRedemptions(),
            expires,
            List.copyOf(request.getCountriesList()));
    if (!offers.addIfMissing(offer)) {
      throw new CheckoutException(
          Status.Code.ALREADY_EXISTS,
          CheckoutErrorReason.OFFER_CODE_EXISTS,
          "offer code " + request.getCode() + " exists (its terms are not changed)",
          Optional.of("code"));
    }
    response.onNext(view(offers.find(offer.code()).orElseThrow()));
    response.onCompleted();
  }

  /** Operators: no new session can reserve the code. */
  @Override
  public void disableOfferCode(
      DisableOfferCodeRequest request, StreamObserver<OfferCode> response) {
    if (!CODE.matcher(request.getCode()).matches()) {
      throw RpcErrors.invalidArgument("code", "1-32 of A-Z, 0-9 and '-'");
    }
    OfferStore.StoredOffer disabled =
        offers
            .disable(request.getCode())
            .orElseThrow(
                () ->
                    new CheckoutException(
                        Status.Code.NOT_FOUND,
                        CheckoutErrorReason.OFFER_CODE_NOT_FOUND,
                        "no offer code " + request.getCode(),
                        Optional.of("code")));
    response.onNext(view(disabled));
    response.onCompleted();
  }

  private static OfferCode view(OfferStore.StoredOffer stored) {
    Offer o = stored.offer();
    return OfferCode.newBuilder()
        .setCode(o.code())
        .setPercentOff(o.percentOff())
        .setAmountOff(o.amountOff())
        .setCurrency(o.currency().orElse(""))
        .setTrialDays(o.trialDays())
        .setMaxRedemptions(o.maxRedemptions())
        .setUsed(stored.used())
        .setExpiresAt(timestamp(o.expiresAt()))
        .addAllCountries(o.countries())
        .setDisabled(stored.disabled())
        .build();
  }

  private static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  private static void country(String country, RpcErrors.InvalidArgumentBuilder bad) {
    if (!COUNTRY.matcher(country).matches()) {
      bad.field("country", "ISO 3166-1 alpha-2, upper case (e.g. SE)");
    }
  }

  private static void device(Device device, RpcErrors.InvalidArgumentBuilder bad) {
    if (device == Device.DEVICE_UNSPECIFIED || device == Device.UNRECOGNIZED) {
      bad.field("device", "WEB, ANDROID or IOS");
    }
  }

  /** A UUID in its RFC 4122 text form (36 characters: UUID.fromString alone accepts shorter). */
  private static Optional<UUID> uuid(String text) {
    if (!UUID_TEXT.matcher(text).matches()) {
      return Optional.empty();
    }
    return Optional.of(UUID.fromString(text));
  }

  private static void sessionId(String id, RpcErrors.InvalidArgumentBuilder bad) {
    if (!ID.matcher(id).matches()) {
      bad.field("session_id", "the session_id CreateCheckoutSession returned");
    }
  }
}
