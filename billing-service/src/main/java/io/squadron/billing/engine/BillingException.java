package io.squadron.billing.engine;

import io.squadron.proto.billing.v1.Payment;
import java.time.Duration;
import java.util.Optional;

/**
 * The engine's refusals, each mapped to one status by the API's {@code BillingErrors}. Cheap (no
 * stack trace) and safe to show: messages name fields, states and providers, never instrument data.
 */
public abstract sealed class BillingException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BillingException(String message) {
    super(message, null, false, false);
  }

  /** No payment with this id for this caller. */
  public static final class PaymentNotFound extends BillingException {
    private static final long serialVersionUID = 1L;

    PaymentNotFound(String id) {
      super("payment_id: no payment " + id);
    }
  }

  /** The idempotency key was used for another request. */
  public static final class KeyReused extends BillingException {
    private static final long serialVersionUID = 1L;

    KeyReused() {
      super(
          "idempotency_key: already used by this caller for a request with other parameters (use a new key for "
              + "a new request)");
    }
  }

  /** A request with the idempotency key is executing. */
  public static final class KeyInUse extends BillingException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    KeyInUse(Duration retryAfter) {
      super("idempotency_key: a request with this key is still executing; retry after the delay");
      this.retryAfter = retryAfter;
    }

    /** When to retry. */
    public Duration retryAfter() {
      return retryAfter;
    }
  }

  /** The provider declined the payment. */
  public static final class Declined extends BillingException {
    private static final long serialVersionUID = 1L;
    private final transient Payment payment;

    Declined(Payment payment) {
      super(
          "payment "
              + payment.getId()
              + " declined by "
              + payment.getProvider()
              + " ("
              + payment.getFailure().getReason()
              + ")");
      this.payment = payment;
    }

    /** The failed payment. */
    public Payment payment() {
      return payment;
    }
  }

  /** Every provider for the method was unavailable; the payment failed without charging. */
  public static final class ProvidersUnavailable extends BillingException {
    private static final long serialVersionUID = 1L;
    private final transient Payment payment;

    ProvidersUnavailable(Payment payment) {
      super(
          "payment "
              + payment.getId()
              + " failed: every provider for "
              + payment.getMethod()
              + " was unavailable; nothing was charged");
      this.payment = payment;
    }

    /** The failed payment. */
    public Payment payment() {
      return payment;
    }
  }

  /** The method is not offered for this country, currency or amount. */
  public static final class MethodNotAvailable extends BillingException {
    private static final long serialVersionUID = 1L;
    private final String field;

    MethodNotAvailable(String field, String message) {
      super(field + ": " + message);
      this.field = field;
    }

    /** The request field at fault. */
    public String field() {
      return field;
    }
  }

  /**
   * The customer has no Padlock keys (never created, or deleted): nothing can be stored for them.
   */
  public static final class CustomerKeysUnavailable extends BillingException {
    private static final long serialVersionUID = 1L;

    CustomerKeysUnavailable(String why) {
      super("customer_id: the customer's keys are unavailable (" + why + ")");
    }
  }

  /**
   * A provider did not answer an operation on an existing payment; repeating with the same key is
   * safe.
   */
  public static final class ProviderNoAnswer extends BillingException {
    private static final long serialVersionUID = 1L;

    ProviderNoAnswer(String provider, Optional<String> what) {
      super(
          provider
              + " did not answer"
              + what.map(w -> " (" + w + ")").orElse("")
              + "; retry with the same idempotency key");
    }
  }
}
