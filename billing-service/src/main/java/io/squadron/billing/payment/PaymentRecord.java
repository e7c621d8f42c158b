package io.squadron.billing.payment;

import static java.util.Objects.requireNonNull;

import io.squadron.proto.billing.v1.CaptureMethod;
import io.squadron.proto.billing.v1.FailureReason;
import io.squadron.proto.billing.v1.NextAction;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A payment as stored: what was asked, where it is, and what moved. Immutable; {@link #toBuilder()}
 * makes a changed copy. The instrument (tokens, IBAN, phone number) is not here: it is stored
 * encrypted and read only to talk to the provider.
 *
 * @param id billing's id
 * @param caller the service that created it (payments are visible to their creator only)
 * @param reference the caller's reference
 * @param customerId whose Padlock keys protect the instrument
 * @param amount minor units
 * @param currency ISO 4217
 * @param country ISO 3166-1 alpha-2
 * @param method the payment method
 * @param captureMethod automatic or manual capture
 * @param state where it is
 * @param outcomeUnknown whether the last provider call's answer was lost (resolved by the
 *     reconciler)
 * @param provider the provider of the current attempt
 * @param attempt the current attempt's number (1 first; a failover adds one)
 * @param providerRef the provider's id of the payment, once known
 * @param providerData ids the provider gave that later calls need (capture id, order id, token)
 * @param authorized held at the provider and not captured
 * @param captured taken
 * @param refunded refunded through billing
 * @param disputed taken back (return, chargeback)
 * @param captureRequested a capture in flight (blocks a second one)
 * @param failureReason why it failed, normalized
 * @param failureCode the provider's code
 * @param nextAction what the payer must do
 * @param instrumentSummary a safe description of the instrument
 * @param returnUrl where redirect methods return the payer
 * @param description shown to the payer by some providers
 * @param expiresAt when the pending action expires at the provider
 * @param createdAt created
 * @param updatedAt last changed
 * @param version incremented by every stored change
 */
public record PaymentRecord(
    String id,
    String caller,
    String reference,
    String customerId,
    long amount,
    String currency,
    String country,
    PaymentMethodType method,
    CaptureMethod captureMethod,
    PaymentState state,
    boolean outcomeUnknown,
    String provider,
    int attempt,
    Optional<String> providerRef,
    Map<String, String> providerData,
    long authorized,
    long captured,
    long refunded,
    long disputed,
    long captureRequested,
    Optional<FailureReason> failureReason,
    Optional<String> failureCode,
    Optional<NextAction> nextAction,
    String instrumentSummary,
    String returnUrl,
    String description,
    Optional<Instant> expiresAt,
    Instant createdAt,
    Instant updatedAt,
    long version) {

  public PaymentRecord {
    requireNonNull(id, "id");
    requireNonNull(caller, "caller");
    requireNonNull(reference, "reference");
    requireNonNull(customerId, "customerId");
    requireNonNull(currency, "currency");
    requireNonNull(country, "country");
    requireNonNull(method, "method");
    requireNonNull(captureMethod, "captureMethod");
    requireNonNull(state, "state");
    requireNonNull(provider, "provider");
    requireNonNull(providerRef, "providerRef");
    providerData = Map.copyOf(providerData);
    requireNonNull(failureReason, "failureReason");
    requireNonNull(failureCode, "failureCode");
    requireNonNull(nextAction, "nextAction");
    requireNonNull(instrumentSummary, "instrumentSummary");
    requireNonNull(returnUrl, "returnUrl");
    requireNonNull(description, "description");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(updatedAt, "updatedAt");
  }

  /**
   * The reference billing gives the provider for the current attempt: unique per attempt, so a
   * failover to another provider (or a new attempt) is never mistaken for the first, and short
   * enough for every provider's field.
   */
  public String attemptReference() {
    return attemptReference(id, attempt);
  }

  /** The provider reference of attempt {@code attempt} of payment {@code id}. */
  public static String attemptReference(String id, int attempt) {
    return id + "-" + attempt;
  }

  /** What may still be refunded. */
  public long refundable() {
    return Math.max(0, captured - refunded - disputed);
  }

  /** A builder holding a copy of this record. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes one payment record into another. */
  public static final class Builder {
    private String id;
    private String caller;
    private String reference;
    private String customerId;
    private long amount;
    private String currency;
    private String country;
    private PaymentMethodType method;
    private CaptureMethod captureMethod;
    private PaymentState state;
    private boolean outcomeUnknown;
    private String provider;
    private int attempt;
    private String providerRef;
    private Map<String, String> providerData;
    private long authorized;
    private long captured;
    private long refunded;
    private long disputed;
    private long captureRequested;
    private FailureReason failureReason;
    private String failureCode;
    private NextAction nextAction;
    private String instrumentSummary;
    private String returnUrl;
    private String description;
    private Instant expiresAt;
    private Instant createdAt;
    private Instant updatedAt;
    private long version;

    /** An empty builder (a new payment). */
    public Builder() {
      providerData = new LinkedHashMap<>();
      instrumentSummary = "";
      returnUrl = "";
      description = "";
      attempt = 1;
      state = PaymentState.PENDING;
    }

    private Builder(PaymentRecord r) {
      id = r.id;
      caller = r.caller;
      reference = r.reference;
      customerId = r.customerId;
      amount = r.amount;
      currency = r.currency;
      country = r.country;
      method = r.method;
      captureMethod = r.captureMethod;
      state = r.state;
      outcomeUnknown = r.outcomeUnknown;
      provider = r.provider;
      attempt = r.attempt;
      providerRef = r.providerRef.orElse(null);
      providerData = new LinkedHashMap<>(r.providerData);
      authorized = r.authorized;
      captured = r.captured;
      refunded = r.refunded;
      disputed = r.disputed;
      captureRequested = r.captureRequested;
      failureReason = r.failureReason.orElse(null);
      failureCode = r.failureCode.orElse(null);
      nextAction = r.nextAction.orElse(null);
      instrumentSummary = r.instrumentSummary;
      returnUrl = r.returnUrl;
      description = r.description;
      expiresAt = r.expiresAt.orElse(null);
      createdAt = r.createdAt;
      updatedAt = r.updatedAt;
      version = r.version;
    }

    public Builder id(String v) {
      id = v;
      return this;
    }

    public Builder caller(String v) {
      caller = v;
      return this;
    }

    public Builder reference(String v) {
      reference = v;
      return this;
    }

    public Builder customerId(String v) {
      customerId = v;
      return this;
    }

    public Builder amount(long v) {
      amount = v;
      return this;
    }

    public Builder currency(String v) {
      currency = v;
      return this;
    }

    public Builder country(String v) {
      country = v;
      return this;
    }

    public Builder method(PaymentMethodType v) {
      method = v;
      return this;
    }

    public Builder captureMethod(CaptureMethod v) {
      captureMethod = v;
      return this;
    }

    public Builder state(PaymentState v) {
      state = v;
      return this;
    }

    public PaymentState state() {
      return state;
    }

    public Builder outcomeUnknown(boolean v) {
      outcomeUnknown = v;
      return this;
    }

    public Builder provider(String v) {
      provider = v;
      return this;
    }

    public Builder attempt(int v) {
      attempt = v;
      return this;
    }

    public Builder providerRef(String v) {
      providerRef = v;
      return this;
    }

    public Builder providerData(Map<String, String> v) {
      providerData = new LinkedHashMap<>(v);
      return this;
    }

    /** Adds to what is remembered of the provider (later values win). */
    public Builder putProviderData(Map<String, String> v) {
      providerData.putAll(v);
      return this;
    }

    public Builder authorized(long v) {
      authorized = v;
      return this;
    }

    public Builder captured(long v) {
      captured = v;
      return this;
    }

    public long captured() {
      return captured;
    }

    public Builder refunded(long v) {
      refunded = v;
      return this;
    }

    public Builder disputed(long v) {
      disputed = v;
      return this;
    }

    public Builder captureRequested(long v) {
      captureRequested = v;
      return this;
    }

    public Builder failure(FailureReason reason, String code) {
      failureReason = reason;
      failureCode = code;
      return this;
    }

    public Builder nextAction(NextAction v) {
      nextAction = v;
      return this;
    }

    public Builder instrumentSummary(String v) {
      instrumentSummary = v;
      return this;
    }

    public Builder returnUrl(String v) {
      returnUrl = v;
      return this;
    }

    public Builder description(String v) {
      description = v;
      return this;
    }

    public Builder expiresAt(Instant v) {
      expiresAt = v;
      return this;
    }

    public Builder createdAt(Instant v) {
      createdAt = v;
      return this;
    }

    public Builder updatedAt(Instant v) {
      updatedAt = v;
      return this;
    }

    public Builder version(long v) {
      version = v;
      return this;
    }

    public PaymentRecord build() {
      return new PaymentRecord(
          id,
          caller,
          reference,
          customerId,
          amount,
          currency,
          country,
          method,
          captureMethod,
          state,
          outcomeUnknown,
          provider,
          attempt,
          Optional.ofNullable(providerRef),
          providerData,
          authorized,
          captured,
          refunded,
          disputed,
          captureRequested,
          Optional.ofNullable(failureReason),
          Optional.ofNullable(failureCode),
          Optional.ofNullable(nextAction),
          instrumentSummary,
          returnUrl,
          description,
          Optional.ofNullable(expiresAt),
          createdAt,
          updatedAt,
          version);
    }
  }
}
