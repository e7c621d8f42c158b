package io.squadron.checkout.session;

import static java.util.Objects.requireNonNull;

import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.Quote;
import io.squadron.proto.checkout.v1.SessionState;
import io.squadron.proto.checkout.v1.Step;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A checkout session as stored. {@code stepSeq} numbers the steps handed out, so every step has an
 * id of its own ({@code <kind>-<seq>}) and a payment's idempotency key, derived from the session
 * and the step that started it, stays the same when a client retries that step.
 */
public record SessionRecord(
    String id,
    String userId,
    SessionState state,
    String planId,
    String country,
    Device device,
    Optional<String> offerCode,
    List<String> capabilities,
    Quote quote,
    Step step,
    int stepSeq,
    Optional<String> postalCode,
    Optional<String> vatId,
    Optional<String> paymentKey,
    Optional<PaymentMethod> paymentMethod,
    Optional<String> paymentId,
    Instant expiresAt,
    int version) {
  public SessionRecord {
    requireNonNull(id, "id");
    requireNonNull(userId, "userId");
    requireNonNull(state, "state");
    requireNonNull(planId, "planId");
    requireNonNull(country, "country");
    requireNonNull(device, "device");
    requireNonNull(offerCode, "offerCode");
    capabilities = List.copyOf(capabilities);
    requireNonNull(quote, "quote");
    requireNonNull(step, "step");
    requireNonNull(postalCode, "postalCode");
    requireNonNull(vatId, "vatId");
    requireNonNull(paymentKey, "paymentKey");
    requireNonNull(paymentMethod, "paymentMethod");
    requireNonNull(paymentId, "paymentId");
    requireNonNull(expiresAt, "expiresAt");
  }

  /** A copy to change. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Changes to a record (the version is the store's). */
  public static final class Builder {
    private final SessionRecord base;
    private SessionState state;
    private Quote quote;
    private Step step;
    private int stepSeq;
    private Optional<String> postalCode;
    private Optional<String> vatId;
    private Optional<String> paymentKey;
    private Optional<PaymentMethod> paymentMethod;
    private Optional<String> paymentId;
    private Instant expiresAt;

    private Builder(SessionRecord r) {
      base = r;
      state = r.state;
      quote = r.quote;
      step = r.step;
      stepSeq = r.stepSeq;
      postalCode = r.postalCode;
      vatId = r.vatId;
      paymentKey = r.paymentKey;
      paymentMethod = r.paymentMethod;
      paymentId = r.paymentId;
      expiresAt = r.expiresAt;
    }

    public Builder state(SessionState v) {
      state = requireNonNull(v, "state");
      return this;
    }

    public Builder quote(Quote v) {
      quote = requireNonNull(v, "quote");
      return this;
    }

    /**
     * The next step; its id is {@code <kind>-<next seq>}, so each step handed out has an id of its
     * own.
     */
    public Builder nextStep(String kind, Step.Builder v) {
      stepSeq++;
      step = v.setStepId(kind + "-" + stepSeq).build();
      return this;
    }

    public Builder postalCode(Optional<String> v) {
      postalCode = requireNonNull(v, "postalCode");
      return this;
    }

    public Builder vatId(Optional<String> v) {
      vatId = requireNonNull(v, "vatId");
      return this;
    }

    public Builder paymentKey(Optional<String> v) {
      paymentKey = requireNonNull(v, "paymentKey");
      return this;
    }

    public Builder paymentMethod(Optional<PaymentMethod> v) {
      paymentMethod = requireNonNull(v, "paymentMethod");
      return this;
    }

    public Builder paymentId(Optional<String> v) {
      paymentId = requireNonNull(v, "paymentId");
      return this;
    }

    public Builder expiresAt(Instant v) {
      expiresAt = requireNonNull(v, "expiresAt");
      return this;
    }

    public SessionRecord build() {
      return new SessionRecord(
          base.id,
          base.userId,
          state,
          base.planId,
          base.country,
          base.device,
          base.offerCode,
          base.capabilities,
          quote,
          step,
          stepSeq,
          postalCode,
          vatId,
          paymentKey,
          paymentMethod,
          paymentId,
          expiresAt,
          base.version);
    }
  }
}
