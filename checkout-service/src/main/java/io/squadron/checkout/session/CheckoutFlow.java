package io.squadron.checkout.session;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.checkout.catalog.Catalog;
import io.squadron.checkout.offers.Offer;
import io.squadron.checkout.offers.OfferStore;
import io.squadron.checkout.offers.OfferUnavailableException;
import io.squadron.checkout.pricing.Pricing;
import io.squadron.checkout.pricing.QuoteSigner;
import io.squadron.proto.billing.v1.AvailablePaymentMethod;
import io.squadron.proto.billing.v1.CreatePaymentRequest;
import io.squadron.proto.billing.v1.NextAction;
import io.squadron.proto.billing.v1.Payment;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.proto.checkout.v1.CheckoutErrorReason;
import io.squadron.proto.checkout.v1.CheckoutSession;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.ErrorStep;
import io.squadron.proto.checkout.v1.FallbackStep;
import io.squadron.proto.checkout.v1.FormField;
import io.squadron.proto.checkout.v1.FormStep;
import io.squadron.proto.checkout.v1.PaymentActionStep;
import io.squadron.proto.checkout.v1.PaymentMethodOption;
import io.squadron.proto.checkout.v1.PaymentMethodsStep;
import io.squadron.proto.checkout.v1.Quote;
import io.squadron.proto.checkout.v1.SessionState;
import io.squadron.proto.checkout.v1.Step;
import io.squadron.rpc.errors.RpcErrors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The backend-driven checkout. A session walks: {@code address} (a form: postal code in the
 * country's format, a VAT id for businesses where the country has one) -> {@code methods} (the
 * payment methods billing offers for the country, currency and amount) -> {@code action} while the
 * payment needs the payer or is pending (redirect, 3-D Secure, instructions, poll) -> {@code done}
 * (a receipt). Detours: {@code requote} when the quote expired before paying, {@code retry} (an
 * error step) when billing could not answer, {@code declined} when the payment failed.
 *
 * <p>Money is never taken twice: a payment's idempotency key is {@code <session>/<step that started
 * it>}, kept until billing gives a definite answer, so a client retrying a step, or checkout
 * retrying after billing was unavailable, replays the same payment. The offer code's use is
 * reserved at quote time, redeemed when paid, and released when the session is cancelled, expires,
 * or its payment fails.
 */
public final class CheckoutFlow {
  private static final String ADDRESS = "address";
  private static final String METHODS = "methods";
  private static final String REQUOTE = "requote";
  private static final String ACTION = "action";
  private static final String RETRY = "retry";
  private static final String DECLINED = SessionOutcomes.DECLINED;

  private final Catalog catalog;
  private final OfferStore offers;
  private final SessionStore sessions;
  private final Billing billing;
  private final QuoteSigner signer;
  private final CheckoutSettings settings;
  private final Clock clock;
  private final Supplier<String> ids;

  public CheckoutFlow(
      Catalog catalog,
      OfferStore offers,
      SessionStore sessions,
      Billing billing,
      QuoteSigner signer,
      CheckoutSettings settings,
      Clock clock,
      Supplier<String> ids) {
    this.catalog = requireNonNull(catalog, "catalog");
    this.offers = requireNonNull(offers, "offers");
    this.sessions = requireNonNull(sessions, "sessions");
    this.billing = requireNonNull(billing, "billing");
    this.signer = requireNonNull(signer, "signer");
    this.settings = requireNonNull(settings, "settings");
    this.clock = requireNonNull(clock, "clock");
    this.ids = requireNonNull(ids, "ids");
  }

  /**
   * What a new session needs; validated by the API. {@code request} is the create's request id with
   * its caller, when the client sent one (a retry with it answers the same session).
   */
  public record NewSession(
      String userId,
      String planId,
      String country,
      Device device,
      Optional<String> offerCode,
      List<String> capabilities,
      Optional<SessionStore.RequestKey> request) {
    public NewSession {
      requireNonNull(userId, "userId");
      requireNonNull(planId, "planId");
      requireNonNull(country, "country");
      requireNonNull(device, "device");
      requireNonNull(offerCode, "offerCode");
      capabilities = List.copyOf(capabilities);
      requireNonNull(request, "request");
    }

    /**
     * SHA-256 over the fields a retry must repeat (capabilities as a set): a request id sent again
     * with other values is another request.
     */
    byte[] fingerprint() {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (String part :
            List.of(
                userId,
                planId,
                country,
                device.name(),
                offerCode.orElse(""),
                String.join(",", new java.util.TreeSet<>(capabilities)))) {
          byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
          sha.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
          sha.update(bytes);
        }
        return sha.digest();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }
  }

  /**
   * The price of {@code planId} in {@code country} on {@code device} without an offer (not signed).
   */
  public Quote listPrice(Catalog.Country country, String planId, Device device) {
    Instant now = clock.instant();
    return quote(country, planId, device, Optional.empty(), now).toBuilder()
        .clearSignature()
        .build();
  }

  /**
   * Quotes the plan, reserves the offer code's use, stores the session and returns it at its first
   * step.
   */
  public CheckoutSession create(NewSession n) {
    Catalog.Country country =
        catalog
            .country(n.country())
            .orElseThrow(
                () ->
                    new CheckoutException(
                        Status.Code.NOT_FOUND,
                        CheckoutErrorReason.PLAN_NOT_AVAILABLE,
                        "checkout does not sell in " + n.country(),
                        Optional.of("country")));
    if (catalog.plan(n.planId()).isEmpty() || country.price(n.planId(), n.device()).isEmpty()) {
      throw new CheckoutException(
          Status.Code.NOT_FOUND,
          CheckoutErrorReason.PLAN_NOT_AVAILABLE,
          "plan '" + n.planId() + "' is not on sale in " + n.country() + " on " + n.device(),
          Optional.of("plan_id"));
    }
    Instant now = clock.instant();
    String id = ids.get();
    Instant expiresAt = now.plus(settings.sessionTtl());
    // One transaction: the request id's claim, the offer code's reservation and the session commit
    // together or not at all (nothing to give back when a step fails).
    SessionStore.Created created =
        sessions.create(
            n.request(),
            n.fingerprint(),
            id,
            tx -> {
              Optional<Offer> offer = Optional.empty();
              if (n.offerCode().isPresent()) {
                offer =
                    Optional.of(
                        reserve(tx, n.offerCode().get(), n.userId(), id, country, now, expiresAt));
              }
              Quote quote = quote(country, n.planId(), n.device(), offer, now);
              return new SessionRecord(
                      id,
                      n.userId(),
                      SessionState.OPEN,
                      n.planId(),
                      n.country(),
                      n.device(),
                      n.offerCode(),
                      n.capabilities(),
                      quote,
                      Step.getDefaultInstance(),
                      0,
                      Optional.empty(),
                      Optional.empty(),
                      Optional.empty(),
                      Optional.empty(),
                      Optional.empty(),
                      expiresAt,
                      0)
                  .toBuilder().nextStep(ADDRESS, addressForm(country, Map.of(), Map.of())).build();
            });
    if (created instanceof SessionStore.Created.New fresh) {
      return view(fresh.session());
    }
    SessionStore.Created.Earlier earlier = (SessionStore.Created.Earlier) created;
    Optional<SessionRecord> first =
        earlier.sameRequest() ? sessions.find(earlier.sessionId()) : Optional.empty();
    // A user deleted since keeps no session under their id: the request id is spent.
    if (first.isEmpty() || !first.get().userId().equals(n.userId())) {
      throw new CheckoutException(
          Status.Code.ALREADY_EXISTS,
          CheckoutErrorReason.REQUEST_ID_REUSED,
          "request_id: used by an earlier create with other values; send a new request_id for a new"
              + " checkout",
          Optional.of("request_id"));
    }
    return view(expireIfDue(first.get()));
  }

  private static Offer reserve(
      Connection tx,
      String code,
      String userId,
      String sessionId,
      Catalog.Country country,
      Instant now,
      Instant until)
      throws SQLException {
    try {
      return OfferStore.reserve(
          tx, code, userId, sessionId, country.code(), country.currency(), now, until);
    } catch (OfferUnavailableException e) {
      throw offerRefused(e);
    }
  }

  private static CheckoutException offerRefused(OfferUnavailableException e) {
    boolean used = e.why() == OfferUnavailableException.Why.ALREADY_USED;
    return new CheckoutException(
        used ? Status.Code.ALREADY_EXISTS : Status.Code.FAILED_PRECONDITION,
        used
            ? CheckoutErrorReason.OFFER_CODE_ALREADY_USED
            : CheckoutErrorReason.OFFER_CODE_NOT_APPLICABLE,
        e.getMessage(),
        Optional.of("offer_code"));
  }

  private Quote quote(
      Catalog.Country country, String planId, Device device, Optional<Offer> offer, Instant now) {
    long list = country.price(planId, device).orElseThrow();
    long discount =
        offer.map(o -> Pricing.discount(list, o.percentOff(), o.amountOff())).orElse(0L);
    Pricing.Breakdown b = Pricing.price(list, discount, country.tax());
    Quote.Builder q =
        Quote.newBuilder()
            .setPlanId(planId)
            .setCountry(country.code())
            .setDevice(device)
            .setCurrency(country.currency())
            .setTaxMode(country.tax().mode())
            .setTaxRateBp(country.tax().rateBp())
            .setListPrice(list)
            .setDiscount(discount)
            .setTax(b.tax())
            .setTotal(b.total())
            .addAllLines(b.lines())
            .setQuotedAt(timestamp(now))
            .setExpiresAt(timestamp(now.plus(settings.quoteTtl())));
    offer.ifPresent(o -> q.setOfferCode(o.code()).setTrialDays(o.trialDays()));
    return signer.sign(q.build());
  }

  /** The session as it is now (an expired one is closed and its offer code released on the way). */
  public CheckoutSession get(String sessionId) {
    return view(expireIfDue(load(sessionId)));
  }

  /** Cancels a session that has no payment under way; its offer code's use is released. */
  public CheckoutSession cancel(String sessionId) {
    SessionRecord r = expireIfDue(load(sessionId));
    if (r.state() == SessionState.CANCELLED) {
      return view(r);
    }
    requireOpen(r);
    if (r.paymentId().isPresent()) {
      throw new CheckoutException(
          Status.Code.FAILED_PRECONDITION,
          CheckoutErrorReason.SESSION_CLOSED,
          "a payment is under way; it can no longer be cancelled here",
          Optional.empty());
    }
    SessionRecord cancelled = r.toBuilder().state(SessionState.CANCELLED).build();
    SessionRecord saved = save(r, cancelled);
    if (saved.state() == SessionState.CANCELLED) {
      r.offerCode().ifPresent(code -> offers.release(code, r.id()));
    }
    return view(saved);
  }

  /**
   * Answers the session's current step with {@code values}; returns the session at its next step.
   */
  public CheckoutSession submit(String sessionId, String stepId, Map<String, String> values) {
    SessionRecord r = expireIfDue(load(sessionId));
    if (!stepId.equals(r.step().getStepId())) {
      if (isEarlierStep(stepId, r)) {
        return view(r); // a retry of a step already answered: the session as it is now
      }
      throw new CheckoutException(
          Status.Code.FAILED_PRECONDITION,
          CheckoutErrorReason.STEP_MISMATCH,
          "step '" + stepId + "' is not the session's current step (get the session to see it)",
          Optional.of("step_id"));
    }
    requireOpen(r);
    if (!signer.verify(r.quote())) {
      // Checked at every step, so an altered price is never charged nor shown as the session's.
      throw new CheckoutException(
          Status.Code.INVALID_ARGUMENT,
          CheckoutErrorReason.QUOTE_TAMPERED,
          "the session's quote does not match its signature; start a new checkout",
          Optional.empty());
    }
    String kind = stepId.substring(0, stepId.lastIndexOf('-'));
    SessionRecord next =
        switch (kind) {
          case ADDRESS -> address(r, values);
          case METHODS -> pay(r, values);
          case REQUOTE -> methods(r);
          case RETRY -> retry(r);
          case DECLINED -> afterDecline(r);
          case ACTION -> follow(r);
          default ->
              throw new IllegalStateException(
                  "session " + r.id() + " is at an unknown step kind " + kind);
        };
    return view(save(r, next));
  }

  private static boolean isEarlierStep(String stepId, SessionRecord r) {
    int dash = stepId.lastIndexOf('-');
    if (dash < 0) {
      return false;
    }
    try {
      int seq = Integer.parseInt(stepId.substring(dash + 1));
      return seq > 0 && seq < r.stepSeq();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private SessionRecord address(SessionRecord r, Map<String, String> values) {
    Catalog.Country country = catalog.country(r.country()).orElseThrow();
    for (String key : values.keySet()) {
      if (!key.equals("postal_code") && !(key.equals("vat_id") && country.vatId().isPresent())) {
        throw RpcErrors.invalidArgument("values." + key, "not a field of this step");
      }
    }
    String postal = values.getOrDefault("postal_code", "").strip();
    String vat = values.getOrDefault("vat_id", "").strip();
    Map<String, String> errors = new java.util.HashMap<>();
    if (postal.isEmpty()) {
      errors.put("postal_code", "Enter your postal code");
    } else if (!country.postalCode().matches(postal)) {
      errors.put("postal_code", "Enter a postal code like " + country.postalCode().example());
    }
    if (!vat.isEmpty() && !country.vatId().orElseThrow().matches(vat)) {
      errors.put("vat_id", "Enter a VAT number like " + country.vatId().orElseThrow().example());
    }
    if (!errors.isEmpty()) {
      return r.toBuilder().nextStep(ADDRESS, addressForm(country, values, errors)).build();
    }
    SessionRecord withAddress =
        r.toBuilder()
            .postalCode(Optional.of(postal))
            .vatId(vat.isEmpty() ? Optional.empty() : Optional.of(vat))
            .build();
    return methods(withAddress);
  }

  private static Step.Builder addressForm(
      Catalog.Country country, Map<String, String> values, Map<String, String> errors) {
    FormStep.Builder form =
        FormStep.newBuilder()
            .setTitle("Billing address")
            .addFields(
                field("postal_code", "Postal code", true, country.postalCode(), values, errors));
    country
        .vatId()
        .ifPresent(
            f ->
                form.addFields(
                    field("vat_id", "VAT number (businesses)", false, f, values, errors)));
    return Step.newBuilder().setForm(form);
  }

  private static FormField field(
      String name,
      String label,
      boolean required,
      Catalog.Format format,
      Map<String, String> values,
      Map<String, String> errors) {
    return FormField.newBuilder()
        .setName(name)
        .setLabel(label)
        .setRequired(required)
        .setPattern(format.pattern().pattern())
        .setPlaceholder(format.example())
        .setValue(errors.containsKey(name) ? values.getOrDefault(name, "") : "")
        .setError(errors.getOrDefault(name, ""))
        .build();
  }

  /**
   * The methods step (or a retry step when billing cannot answer); re-quotes first when the quote
   * expired.
   */
  private SessionRecord methods(SessionRecord r) {
    Quote quote = r.quote();
    List<AvailablePaymentMethod> available;
    try {
      available = billing.methods(r.country(), quote.getCurrency(), quote.getTotal());
    } catch (StatusRuntimeException e) {
      return retryStep(r, "Payment methods could not be loaded. Try again.");
    }
    PaymentMethodsStep.Builder step =
        PaymentMethodsStep.newBuilder()
            .setCurrency(quote.getCurrency())
            .setAmount(quote.getTotal());
    for (AvailablePaymentMethod m : available) {
      PaymentMethods.spec(m.getType())
          .ifPresent(
              spec ->
                  step.addMethods(
                      PaymentMethodOption.newBuilder()
                          .setMethod(m.getType().name())
                          .setLabel(spec.label())
                          .addAllFields(spec.fieldsFor(m.getProvidersList()))));
    }
    return r.toBuilder()
        .paymentKey(Optional.empty())
        .paymentMethod(Optional.empty())
        .nextStep(METHODS, Step.newBuilder().setPaymentMethods(step))
        .build();
  }

  private SessionRecord retryStep(SessionRecord r, String message) {
    return r.toBuilder()
        .nextStep(
            RETRY,
            Step.newBuilder()
                .setError(ErrorStep.newBuilder().setMessage(message).setRetryable(true)))
        .build();
  }

  /**
   * Retries what billing could not answer: the same payment (same key), following it, or listing
   * methods.
   */
  private SessionRecord retry(SessionRecord r) {
    if (r.paymentId().isPresent()) {
      return follow(r);
    }
    if (r.paymentKey().isPresent()) {
      return charge(r);
    }
    return methods(r);
  }

  private SessionRecord pay(SessionRecord r, Map<String, String> values) {
    String chosen = values.getOrDefault("method", "");
    PaymentMethodType type;
    try {
      type = PaymentMethodType.valueOf(chosen);
    } catch (IllegalArgumentException e) {
      type = PaymentMethodType.PAYMENT_METHOD_TYPE_UNSPECIFIED;
    }
    PaymentMethodType chosenType = type;
    Optional<PaymentMethodOption> option =
        r.step().getPaymentMethods().getMethodsList().stream()
            .filter(m -> m.getMethod().equals(chosenType.name()))
            .findFirst();
    if (option.isEmpty()) {
      throw RpcErrors.invalidArgument("values.method", "one of the methods this step offers");
    }
    List<String> fields = option.get().getFieldsList();
    for (String key : values.keySet()) {
      if (!key.equals("method") && !fields.contains(key)) {
        throw RpcErrors.invalidArgument("values." + key, "not a field of " + type.name());
      }
    }
    Instant now = clock.instant();
    if (!now.isBefore(instant(r.quote().getExpiresAt()))) {
      Catalog.Country country = catalog.country(r.country()).orElseThrow();
      Quote fresh = quote(country, r.planId(), r.device(), offerTerms(r), now);
      return r.toBuilder()
          .quote(fresh)
          .nextStep(
              REQUOTE,
              Step.newBuilder()
                  .setForm(
                      FormStep.newBuilder()
                          .setTitle(
                              "The price was updated: "
                                  + fresh.getTotal()
                                  + " "
                                  + fresh.getCurrency()
                                  + ". Continue?")))
          .build();
    }
    PaymentMethod method = PaymentMethods.from(type, values, fields);
    SessionRecord attempt =
        r.toBuilder()
            .paymentKey(Optional.of(r.id() + "/" + r.step().getStepId()))
            .paymentMethod(Optional.of(method))
            .build();
    return charge(attempt);
  }

  /** The offer's terms as quoted (the reservation stays with the session). */
  private Optional<Offer> offerTerms(SessionRecord r) {
    if (r.quote().getOfferCode().isEmpty()) {
      return Optional.empty();
    }
    Quote q = r.quote();
    // Re-quoting keeps the discount as quoted: the code's terms are fixed when it was reserved.
    return Optional.of(
        new Offer(
            q.getOfferCode(),
            0,
            q.getDiscount(),
            Optional.of(q.getCurrency()),
            q.getTrialDays(),
            1,
            Instant.MAX,
            List.of()));
  }

  /** Creates (or replays, same key) the payment and moves the session by billing's answer. */
  private SessionRecord charge(SessionRecord r) {
    Quote q = r.quote();
    CreatePaymentRequest request =
        CreatePaymentRequest.newBuilder()
            .setIdempotencyKey(r.paymentKey().orElseThrow())
            .setCustomerId(r.userId())
            .setReference(r.id())
            .setAmount(q.getTotal())
            .setCurrency(q.getCurrency())
            .setCountry(r.country())
            .setPaymentMethod(r.paymentMethod().orElseThrow())
            .setReturnUrl(settings.webUrl() + "?session=" + r.id())
            .setDescription("Squadron " + r.planId())
            .build();
    Payment payment;
    try {
      payment = billing.create(request);
    } catch (StatusRuntimeException e) {
      if (isRetryable(e)) {
        return retryStep(
            r, "The payment could not be confirmed yet. Try again: you will not be charged twice.");
      }
      return declined(r, "The payment could not be made with this method.");
    }
    return byPayment(r, payment);
  }

  /** After a redirect, a 3-D Secure challenge or a wait: billing's current view of the payment. */
  private SessionRecord follow(SessionRecord r) {
    String paymentId = r.paymentId().orElseThrow();
    Payment payment;
    try {
      boolean payerActed =
          r.step().hasPaymentAction()
              && (r.step().getPaymentAction().hasRedirectUrl()
                  || r.step().getPaymentAction().hasThreeDsUrl());
      payment =
          payerActed
              ? billing.confirm(r.paymentKey().orElseThrow() + "/confirm", paymentId)
              : billing.get(paymentId);
    } catch (StatusRuntimeException e) {
      if (isRetryable(e)) {
        return retryStep(r, "The payment's status could not be read. Try again.");
      }
      return declined(r, "The payment could not be completed.");
    }
    return byPayment(r, payment);
  }

  private SessionRecord byPayment(SessionRecord r, Payment p) {
    SessionRecord.Builder b = r.toBuilder().paymentId(Optional.of(p.getId()));
    switch (p.getStatus()) {
      case SUCCEEDED, REQUIRES_CAPTURE -> {
        // The code is redeemed and the plan granted in the transaction that saves the completion.
        return SessionOutcomes.completed(r, p.getId(), clock.instant());
      }
      case PENDING, REQUIRES_ACTION, PROCESSING -> {
        // The payment may finish after the session would have expired: keep the code's use until it
        // does.
        Instant until = clock.instant().plus(settings.paymentWindow());
        r.offerCode().ifPresent(code -> offers.extend(code, r.id(), until));
        return b.expiresAt(until)
            .nextStep(ACTION, Step.newBuilder().setPaymentAction(action(p)))
            .build();
      }
      default -> {
        SessionRecord failed = b.build();
        return declined(
            failed,
            "The payment was declined"
                + (p.hasFailure()
                    ? " ("
                        + p.getFailure()
                            .getReason()
                            .name()
                            .toLowerCase(java.util.Locale.ROOT)
                            .replace('_', ' ')
                        + ")"
                    : "")
                + ". Choose another payment method.");
      }
    }
  }

  private static PaymentActionStep.Builder action(Payment p) {
    PaymentActionStep.Builder a = PaymentActionStep.newBuilder().setPaymentId(p.getId());
    NextAction n = p.getNextAction();
    switch (n.getActionCase()) {
      case REDIRECT_TO_URL -> a.setRedirectUrl(n.getRedirectToUrl().getUrl());
      case THREE_DS_CHALLENGE -> a.setThreeDsUrl(n.getThreeDsChallenge().getUrl());
      case DISPLAY_VOUCHER ->
          a.setInstructions("Pay the voucher " + n.getDisplayVoucher().getDigitableLine());
      case DISPLAY_QR_CODE -> a.setInstructions(n.getDisplayQrCode().getPayload());
      case DISPLAY_BANK_TRANSFER ->
          a.setInstructions(
              "Transfer to "
                  + n.getDisplayBankTransfer().getIban()
                  + " with reference "
                  + n.getDisplayBankTransfer().getRemittanceReference());
      case APPROVE_ON_DEVICE -> a.setInstructions(n.getApproveOnDevice().getInstructions());
      case POLL -> a.setPollAfterSeconds(Math.max(1, n.getPoll().getAfterSeconds()));
      default -> a.setPollAfterSeconds(2);
    }
    return a;
  }

  /** The payment failed: its key and the code's use are released; the payer may try again. */
  private SessionRecord declined(SessionRecord r, String message) {
    r.offerCode().ifPresent(code -> offers.release(code, r.id()));
    return SessionOutcomes.declined(r, message);
  }

  /**
   * Trying again after a decline: the offer code is reserved again if it still can be, else the
   * price without it.
   */
  private SessionRecord afterDecline(SessionRecord r) {
    Catalog.Country country = catalog.country(r.country()).orElseThrow();
    Instant now = clock.instant();
    Optional<Offer> offer = Optional.empty();
    if (r.offerCode().isPresent()) {
      try {
        offer =
            Optional.of(
                offers.reserve(
                    r.offerCode().get(),
                    r.userId(),
                    r.id(),
                    country.code(),
                    country.currency(),
                    now,
                    r.expiresAt()));
      } catch (OfferUnavailableException e) {
        offer = Optional.empty();
      }
    }
    Quote fresh = quote(country, r.planId(), r.device(), offer, now);
    SessionRecord requoted = r.toBuilder().quote(fresh).build();
    if (fresh.getTotal() != r.quote().getTotal()) {
      return requoted.toBuilder()
          .nextStep(
              REQUOTE,
              Step.newBuilder()
                  .setForm(
                      FormStep.newBuilder()
                          .setTitle(
                              "The price was updated: "
                                  + fresh.getTotal()
                                  + " "
                                  + fresh.getCurrency()
                                  + ". Continue?")))
          .build();
    }
    return methods(requoted);
  }

  private static boolean isRetryable(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.UNAVAILABLE
        || code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.ABORTED
        || code == Status.Code.RESOURCE_EXHAUSTED
        || code == Status.Code.INTERNAL
        || code == Status.Code.UNKNOWN;
  }

  private SessionRecord load(String sessionId) {
    return sessions
        .find(sessionId)
        .orElseThrow(
            () ->
                new CheckoutException(
                    Status.Code.NOT_FOUND,
                    CheckoutErrorReason.SESSION_NOT_FOUND,
                    "no checkout session with this id",
                    Optional.of("session_id")));
  }

  private SessionRecord expireIfDue(SessionRecord r) {
    if (r.state() != SessionState.OPEN || clock.instant().isBefore(r.expiresAt())) {
      return r;
    }
    SessionRecord expired = r.toBuilder().state(SessionState.EXPIRED).build();
    if (sessions.update(expired)) {
      r.offerCode().ifPresent(code -> offers.release(code, r.id()));
      return expired;
    }
    return load(r.id());
  }

  private static void requireOpen(SessionRecord r) {
    if (r.state() != SessionState.OPEN) {
      throw new CheckoutException(
          Status.Code.FAILED_PRECONDITION,
          CheckoutErrorReason.SESSION_CLOSED,
          "the checkout session is " + r.state().name().toLowerCase(java.util.Locale.ROOT),
          Optional.empty());
    }
  }

  /**
   * Saves the session's next state, if nobody moved it since {@code before} was read. A completion
   * commits with the code's redemption and the plan's grant. When the payment's event settled the
   * session meanwhile (completed it, or declined the attempt this step was following), the session
   * as the event left it is the answer: one outcome, whichever path came first.
   */
  private SessionRecord save(SessionRecord before, SessionRecord after) {
    boolean completes =
        after.state() == SessionState.COMPLETED && before.state() != SessionState.COMPLETED;
    Instant now = clock.instant();
    boolean saved =
        completes
            ? sessions.update(after, tx -> SessionOutcomes.onCompleted(tx, after, now))
            : sessions.update(after);
    if (saved) {
      return after;
    }
    SessionRecord current = load(before.id());
    boolean settledByEvent =
        current.state() != SessionState.OPEN
            || (before.paymentKey().isPresent()
                && !current.paymentKey().equals(before.paymentKey()));
    if (settledByEvent) {
      return current;
    }
    throw new CheckoutException(
        Status.Code.ABORTED,
        CheckoutErrorReason.STEP_MISMATCH,
        "the session moved on while this step was submitted; get the session to see its current step",
        Optional.empty());
  }

  /**
   * The session as the client sees it: a step the client did not declare becomes a fallback to the
   * web.
   */
  private CheckoutSession view(SessionRecord r) {
    Step step = r.step();
    String kind = stepKind(step);
    if (!r.capabilities().isEmpty() && !r.capabilities().contains(kind)) {
      step =
          Step.newBuilder()
              .setStepId(step.getStepId())
              .setFallback(
                  FallbackStep.newBuilder()
                      .setUrl(settings.webUrl() + "?session=" + r.id())
                      .setUnsupportedKind(kind))
              .build();
    }
    return CheckoutSession.newBuilder()
        .setSessionId(r.id())
        .setUserId(r.userId())
        .setState(r.state())
        .setQuote(r.quote())
        .setNextStep(step)
        .setExpiresAt(timestamp(r.expiresAt()))
        .build();
  }

  /** A step's kind as clients declare it in their capabilities. */
  static String stepKind(Step step) {
    return switch (step.getKindCase()) {
      case FORM -> "form";
      case PAYMENT_METHODS -> "payment_methods";
      case PAYMENT_ACTION -> "payment_action";
      case DONE -> "done";
      case ERROR -> "error";
      case FALLBACK, KIND_NOT_SET -> "fallback";
    };
  }

  /** The step kinds a client may declare. */
  public static final List<String> STEP_KINDS =
      List.of("form", "payment_methods", "payment_action", "done", "error");

  private static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /** A new session id: 144 random bits, URL-safe. */
  public static String newId(java.security.SecureRandom random) {
    byte[] b = new byte[18];
    random.nextBytes(b);
    return "cs_" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
