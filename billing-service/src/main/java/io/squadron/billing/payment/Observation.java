package io.squadron.billing.payment;

import static java.util.Objects.requireNonNull;

import io.squadron.proto.billing.v1.FailureReason;
import io.squadron.proto.billing.v1.NextAction;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What billing learned about a payment at its provider: from an API answer, a poll or a callback.
 * Amounts are the provider's running totals in minor units, or {@link #UNKNOWN} when this answer
 * does not tell them.
 *
 * @param phase the provider's status, normalized
 * @param providerRef the provider's id of the payment, when the answer names it
 * @param authorized the amount authorized and not yet captured or released
 * @param captured the amount taken so far
 * @param refunded the amount refunded so far
 * @param nextAction what the payer must do (for {@link ProviderPhase#ACTION_REQUIRED})
 * @param failureReason why it failed, normalized
 * @param failureCode the provider's own code
 * @param expiresAt when the payer's action expires at the provider, when known
 * @param followUp what billing must do next at the provider
 * @param data ids to remember for later calls (capture id, order id, mandate id, one-time token);
 *     never sensitive
 */
public record Observation(
    ProviderPhase phase,
    Optional<String> providerRef,
    long authorized,
    long captured,
    long refunded,
    Optional<NextAction> nextAction,
    Optional<FailureReason> failureReason,
    Optional<String> failureCode,
    Optional<Instant> expiresAt,
    FollowUp followUp,
    Map<String, String> data) {

  /** An amount the answer does not tell. */
  public static final long UNKNOWN = -1;

  public Observation {
    requireNonNull(phase, "phase");
    requireNonNull(providerRef, "providerRef");
    requireNonNull(nextAction, "nextAction");
    requireNonNull(failureReason, "failureReason");
    requireNonNull(failureCode, "failureCode");
    requireNonNull(expiresAt, "expiresAt");
    requireNonNull(followUp, "followUp");
    data = Map.copyOf(data);
  }

  /** A builder for an observation in {@code phase}. */
  public static Builder of(ProviderPhase phase) {
    return new Builder(phase);
  }

  /** Assembles an {@link Observation}. */
  public static final class Builder {
    private final ProviderPhase phase;
    private String providerRef;
    private long authorized = UNKNOWN;
    private long captured = UNKNOWN;
    private long refunded = UNKNOWN;
    private NextAction nextAction;
    private FailureReason failureReason;
    private String failureCode;
    private Instant expiresAt;
    private FollowUp followUp = FollowUp.NONE;
    private final Map<String, String> data = new LinkedHashMap<>();

    private Builder(ProviderPhase phase) {
      this.phase = requireNonNull(phase, "phase");
    }

    public Builder providerRef(String ref) {
      this.providerRef = ref;
      return this;
    }

    public Builder authorized(long amount) {
      this.authorized = amount;
      return this;
    }

    public Builder captured(long amount) {
      this.captured = amount;
      return this;
    }

    public Builder refunded(long amount) {
      this.refunded = amount;
      return this;
    }

    public Builder nextAction(NextAction action) {
      this.nextAction = action;
      return this;
    }

    /** A failure: its normalized reason and the provider's code. */
    public Builder failure(FailureReason reason, String code) {
      this.failureReason = reason;
      this.failureCode = code;
      return this;
    }

    public Builder expiresAt(Instant at) {
      this.expiresAt = at;
      return this;
    }

    public Builder followUp(FollowUp followUp) {
      this.followUp = requireNonNull(followUp, "followUp");
      return this;
    }

    /** Remembers {@code key = value} for later calls (ignored when value is null or empty). */
    public Builder data(String key, String value) {
      if (value != null && !value.isEmpty()) {
        data.put(key, value);
      }
      return this;
    }

    public Observation build() {
      return new Observation(
          phase,
          Optional.ofNullable(providerRef).filter(s -> !s.isEmpty()),
          authorized,
          captured,
          refunded,
          Optional.ofNullable(nextAction),
          Optional.ofNullable(failureReason),
          Optional.ofNullable(failureCode),
          Optional.ofNullable(expiresAt),
          followUp,
          data);
    }
  }
}
