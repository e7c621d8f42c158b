package io.squadron.checkout.api;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Timestamp;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.squadron.checkout.catalog.Catalog;
import io.squadron.checkout.entitlements.Entitlement;
import io.squadron.checkout.entitlements.EntitlementStore;
import io.squadron.checkout.session.CheckoutException;
import io.squadron.checkout.session.CheckoutFlow;
import io.squadron.proto.checkout.v1.CancelCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.CheckoutErrorReason;
import io.squadron.proto.checkout.v1.CheckoutServiceGrpc;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.CreateCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.GetCheckoutSessionRequest;
import io.squadron.proto.checkout.v1.GetEntitlementsRequest;
import io.squadron.proto.checkout.v1.GetEntitlementsResponse;
import io.squadron.proto.checkout.v1.ListPlansRequest;
import io.squadron.proto.checkout.v1.ListPlansResponse;
import io.squadron.proto.checkout.v1.PricedPlan;
import io.squadron.proto.checkout.v1.SubmitStepRequest;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.identity.Caller;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** The API: validates requests (naming bad fields) and hands them to the flow. */
public final class CheckoutGrpcService extends CheckoutServiceGrpc.CheckoutServiceImplBase {
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
  private static final Pattern CODE = Pattern.compile("[A-Z0-9-]{1,32}");
  private static final Pattern STEP_ID = Pattern.compile("[a-z]+-[0-9]{1,6}");
  private static final int MAX_VALUES = 16;

  private final Catalog catalog;
  private final CheckoutFlow flow;
  private final EntitlementStore entitlements;

  public CheckoutGrpcService(Catalog catalog, CheckoutFlow flow, EntitlementStore entitlements) {
    this.catalog = requireNonNull(catalog, "catalog");
    this.flow = requireNonNull(flow, "flow");
    this.entitlements = requireNonNull(entitlements, "entitlements");
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
                List.copyOf(request.getCapabilitiesList()))));
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

  private static void sessionId(String id, RpcErrors.InvalidArgumentBuilder bad) {
    if (!ID.matcher(id).matches()) {
      bad.field("session_id", "the session_id CreateCheckoutSession returned");
    }
  }
}
