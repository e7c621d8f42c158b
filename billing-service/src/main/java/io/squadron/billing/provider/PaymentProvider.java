package io.squadron.billing.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.squadron.billing.payment.FollowUp;
import io.squadron.billing.payment.Observation;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.proto.billing.v1.PaymentMethod;
import io.squadron.proto.billing.v1.PaymentMethodType;
import java.util.Optional;

/**
 * One payment provider behind the interface every provider shares: billing's payments never see a
 * provider's own API, vocabulary or business logic. An adapter talks to its provider through {@link
 * ProviderHttp} (base URL and secrets from config, as for a real one) and translates both ways.
 *
 * <p>Every state-changing call uses an idempotency key derived from the payment attempt and the
 * operation ({@link #key}), so any call may be repeated after a lost answer, a crash or a
 * concurrent reconciler and acts once. Calls throw {@link ProviderUnavailableException} (nothing
 * processed), {@link OutcomeUnknownException} (maybe processed), {@link ProviderRejectedException}
 * (refused an operation) or {@link OperationNotSupportedException}; a decline is not an exception
 * but an observation in phase FAILED.
 */
public interface PaymentProvider {
  /** The provider's name (its path segment at the simulator, its config key). */
  String name();

  /** The payment method it serves. */
  PaymentMethodType method();

  /** What it can do. */
  ProviderCapabilities capabilities();

  /** Starts a payment (the first call(s) of the provider's flow). */
  Observation create(CreateCall call);

  /** The payment as the provider sees it now. */
  Observation fetch(PaymentRecord payment);

  /** Does what the provider waits for billing to do ({@link FollowUp}). */
  Observation followUp(PaymentRecord payment, FollowUp followUp);

  /** Captures {@code amount} of an authorized payment. */
  Observation capture(PaymentRecord payment, long amount);

  /** Cancels a payment that took no money. */
  Observation cancel(PaymentRecord payment);

  /**
   * Refunds {@code amount}; {@code refundId} (billing's id of the refund) makes the call's
   * idempotency key.
   *
   * @return the provider's id of the refund
   */
  String refund(PaymentRecord payment, long amount, String refundId);

  /**
   * Reads a callback's object ({@code data.object} of the provider's event): which payment it is
   * about and, when the object shows it, what it says. Empty when the event is not about a payment
   * billing follows.
   */
  Optional<EventInfo> parseEvent(String type, JsonNode object);

  /** A payment start: everything the provider's first call needs. */
  record CreateCall(PaymentRecord payment, PaymentMethod instrument) {}

  /**
   * What a callback is about.
   *
   * @param providerRef the provider's id of the payment, when the object names it
   * @param reference billing's attempt reference, when the object names it
   * @param observation what the object shows; empty when the object must be fetched (only an id)
   */
  record EventInfo(
      Optional<String> providerRef,
      Optional<String> reference,
      Optional<Observation> observation) {}

  /** The idempotency key of {@code operation} for the current attempt of {@code payment}. */
  static String key(PaymentRecord payment, String operation) {
    return payment.attemptReference() + ":" + operation;
  }
}
