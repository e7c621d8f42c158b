package io.squadron.checkout.events;

import com.google.protobuf.Timestamp;
import io.squadron.checkout.entitlements.EntitlementStore;
import io.squadron.checkout.offers.OfferStore;
import io.squadron.checkout.session.SessionOutcomes;
import io.squadron.checkout.session.SessionRecord;
import io.squadron.checkout.session.SessionStore;
import io.squadron.events.consumer.ReceivedEvent;
import io.squadron.proto.billing.events.v1.PaymentDisputed;
import io.squadron.proto.billing.events.v1.PaymentFailed;
import io.squadron.proto.billing.events.v1.PaymentRefunded;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.proto.checkout.v1.SessionState;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Billing's payment events ({@code billing.payments}) applied to checkout's sessions and
 * entitlements, each in the consumer's transaction. The session's row is locked ({@code FOR
 * UPDATE}) and its state decides: an event that finds the session already settled (by the
 * synchronous path, or a copy of the same event) changes nothing, so the two paths, in either order
 * and repeated, give one outcome.
 *
 * <ul>
 *   <li>{@code PaymentSucceeded}: the session is completed (its receipt), the offer code redeemed
 *       and the plan granted, whatever state the session was in (the money is taken: an expired or
 *       cancelled session is completed too; a session of a deleted user grants nothing).
 *   <li>{@code PaymentFailed}: if the failed payment is the session's current attempt, the session
 *       goes to a retryable {@code declined} step and the offer code's use is given back; a failure
 *       of an attempt the session left behind changes nothing.
 *   <li>{@code PaymentRefunded} in full: the entitlement the payment granted is revoked (a partial
 *       refund keeps it).
 *   <li>{@code PaymentDisputed}: the entitlement is revoked as well. A chargeback takes the money
 *       back at once and billing publishes no "dispute won" event, so the plan ends with the money;
 *       the user gets it again by paying again.
 * </ul>
 */
public final class PaymentEventHandlers {
  private final Clock clock;

  public PaymentEventHandlers(Clock clock) {
    this.clock = java.util.Objects.requireNonNull(clock, "clock");
  }

  /** Completes the session and grants the plan. */
  public void succeeded(ReceivedEvent<PaymentSucceeded> event, Connection tx) throws SQLException {
    PaymentSucceeded p = event.payload();
    Optional<SessionRecord> found = session(tx, p.getCheckoutSessionId());
    if (found.isEmpty() || found.get().state() == SessionState.COMPLETED) {
      return;
    }
    SessionRecord r = found.get();
    Instant paidAt = p.hasCapturedAt() ? instant(p.getCapturedAt()) : event.occurredAt();
    SessionRecord done = SessionOutcomes.completed(r, p.getPaymentId(), paidAt);
    if (!SessionStore.update(tx, done)) {
      throw new IllegalStateException("checkout session changed under its row lock");
    }
    SessionOutcomes.onCompleted(tx, done, clock.instant());
  }

  /** Sends the session back to a retryable payment step, giving the code's use back. */
  public void failed(ReceivedEvent<PaymentFailed> event, Connection tx) throws SQLException {
    PaymentFailed p = event.payload();
    Optional<SessionRecord> found = session(tx, p.getCheckoutSessionId());
    if (found.isEmpty() || found.get().state() != SessionState.OPEN) {
      return;
    }
    SessionRecord r = found.get();
    boolean currentAttempt =
        r.paymentId().map(p.getPaymentId()::equals).orElse(false)
            || (!p.getIdempotencyKey().isEmpty()
                && r.paymentKey().map(p.getIdempotencyKey()::equals).orElse(false));
    if (!currentAttempt) {
      return;
    }
    String why = p.getReason().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    SessionRecord declined =
        SessionOutcomes.declined(
            r, "The payment was declined (" + why + "). Choose another payment method.");
    if (!SessionStore.update(tx, declined)) {
      throw new IllegalStateException("checkout session changed under its row lock");
    }
    if (r.offerCode().isPresent()) {
      OfferStore.release(tx, r.offerCode().get(), r.id());
    }
  }

  /** Revokes the plan when the payment was refunded in full. */
  public void refunded(ReceivedEvent<PaymentRefunded> event, Connection tx) throws SQLException {
    if (event.payload().getFullyRefunded()) {
      EntitlementStore.revoke(
          tx,
          event.payload().getPaymentId(),
          EntitlementStore.Revocation.REFUNDED,
          event.occurredAt());
    }
  }

  /** Revokes the plan the disputed payment granted. */
  public void disputed(ReceivedEvent<PaymentDisputed> event, Connection tx) throws SQLException {
    EntitlementStore.revoke(
        tx,
        event.payload().getPaymentId(),
        EntitlementStore.Revocation.DISPUTED,
        event.occurredAt());
  }

  /**
   * The event's session, locked; empty for a payment another caller made, or a session this
   * checkout does not have (another deployment's, with one billing behind several checkouts).
   */
  private static Optional<SessionRecord> session(Connection tx, String sessionId)
      throws SQLException {
    return sessionId.isEmpty() ? Optional.empty() : SessionStore.findForUpdate(tx, sessionId);
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
