package io.squadron.billing.event;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Timestamp;
import io.squadron.billing.payment.PaymentRecord;
import io.squadron.billing.payment.PaymentState;
import io.squadron.events.outbox.EventMessage;
import io.squadron.events.outbox.Outbox;
import io.squadron.proto.billing.events.v1.Amount;
import io.squadron.proto.billing.events.v1.DisputeReason;
import io.squadron.proto.billing.events.v1.PaymentDisputed;
import io.squadron.proto.billing.events.v1.PaymentFailed;
import io.squadron.proto.billing.events.v1.PaymentFailureReason;
import io.squadron.proto.billing.events.v1.PaymentRefunded;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.proto.billing.v1.FailureReason;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Which events a committed payment change publishes, derived from the payment before and after it
 * (so every path that changes a payment, an API call, a callback or the reconciler, publishes the
 * same way):
 *
 * <ul>
 *   <li>{@code PaymentSucceeded} when it becomes settled (money taken) for the first time;
 *   <li>{@code PaymentFailed} when it fails or is canceled;
 *   <li>{@code PaymentRefunded} for each refund booked (the amount refunded grew);
 *   <li>{@code PaymentDisputed} when money is taken back (a SEPA return, a chargeback: the disputed
 *       amount grew).
 * </ul>
 *
 * <p>Event ids are derived from the payment and the change (name-based UUIDs), so the same change
 * can never be appended twice: the outbox's unique id refuses it. The key is the payment id (its
 * events stay in order). No personal data: ids, amounts and reasons only.
 */
public final class PaymentEvents {
  /** Billing's topic (after the Kafka store's topic prefix, empty in production). */
  public static final String TOPIC = "billing.payments";

  private final Outbox outbox;
  private final String topic;
  private final Set<String> sessionCallers;

  /**
   * @param producer the producing service's name (billing)
   * @param topic the topic the events go to
   * @param sessionCallers callers whose payment reference is their checkout session id (checkout)
   */
  public PaymentEvents(String producer, String topic, Set<String> sessionCallers) {
    this.outbox = Outbox.forProducer(requireNonNull(producer, "producer"));
    this.topic = requireNonNull(topic, "topic");
    this.sessionCallers = Set.copyOf(sessionCallers);
  }

  /**
   * Reads the key the payment was created with (only asked for when there is an event to publish).
   */
  @FunctionalInterface
  public interface CreateKey {
    Optional<String> read() throws SQLException;
  }

  /**
   * Appends the events of the change {@code before} to {@code after} to the outbox on {@code tx}
   * (the transaction that commits the change).
   *
   * @param refundId the refund booked by this change, if it books one
   * @return the events appended
   */
  public List<EventMessage> append(
      Connection tx,
      PaymentRecord before,
      PaymentRecord after,
      Optional<String> refundId,
      CreateKey createKey)
      throws SQLException {
    List<EventMessage> events = between(before, after, refundId, createKey);
    if (!events.isEmpty()) {
      outbox.append(tx, events);
    }
    return events;
  }

  /** The events of the change {@code before} to {@code after}, none when it published nothing. */
  public List<EventMessage> between(
      PaymentRecord before, PaymentRecord after, Optional<String> refundId, CreateKey createKey)
      throws SQLException {
    boolean succeeded =
        after.state().isSettled() && !before.state().isSettled() && after.captured() > 0;
    boolean failed = isFailed(after.state()) && !isFailed(before.state());
    boolean refunded = after.refunded() > before.refunded();
    boolean disputed = after.disputed() > before.disputed();
    if (!succeeded && !failed && !refunded && !disputed) {
      return List.of();
    }
    String session = sessionCallers.contains(after.caller()) ? after.reference() : "";
    String key = after.id();
    List<EventMessage> out = new ArrayList<>();
    if (succeeded) {
      out.add(
          EventMessage.of(
                  topic,
                  key,
                  PaymentSucceeded.newBuilder()
                      .setPaymentId(after.id())
                      .setUserId(after.customerId())
                      .setAmount(amount(after.captured(), after.currency()))
                      .setCheckoutSessionId(session)
                      .setIdempotencyKey(createKey.read().orElse(""))
                      .setProvider(after.provider())
                      .setCapturedAt(timestamp(after))
                      .build())
              .withEventId(id(after.id(), "succeeded")));
    }
    if (failed) {
      out.add(
          EventMessage.of(
                  topic,
                  key,
                  PaymentFailed.newBuilder()
                      .setPaymentId(after.id())
                      .setUserId(after.customerId())
                      .setAmount(amount(after.amount(), after.currency()))
                      .setCheckoutSessionId(session)
                      .setIdempotencyKey(createKey.read().orElse(""))
                      .setProvider(after.provider())
                      .setReason(reason(after))
                      .build())
              .withEventId(id(after.id(), "failed")));
    }
    if (refunded) {
      String refund = refundId.orElse(id(after.id(), "refund:" + after.refunded()).toString());
      out.add(
          EventMessage.of(
                  topic,
                  key,
                  PaymentRefunded.newBuilder()
                      .setPaymentId(after.id())
                      .setUserId(after.customerId())
                      .setRefundedAmount(
                          amount(after.refunded() - before.refunded(), after.currency()))
                      .setTotalRefunded(amount(after.refunded(), after.currency()))
                      .setRefundId(refund)
                      .setCheckoutSessionId(session)
                      .setFullyRefunded(after.state() == PaymentState.REFUNDED)
                      .build())
              .withEventId(id(after.id(), "refunded:" + refund)));
    }
    if (disputed) {
      UUID dispute = id(after.id(), "disputed:" + after.disputed());
      out.add(
          EventMessage.of(
                  topic,
                  key,
                  PaymentDisputed.newBuilder()
                      .setPaymentId(after.id())
                      .setUserId(after.customerId())
                      .setDisputedAmount(
                          amount(after.disputed() - before.disputed(), after.currency()))
                      .setDisputeId(dispute.toString())
                      .setCheckoutSessionId(session)
                      .setReason(DisputeReason.OTHER)
                      .build())
              .withEventId(dispute));
    }
    return out;
  }

  private static boolean isFailed(PaymentState s) {
    return s == PaymentState.FAILED || s == PaymentState.CANCELED;
  }

  private static PaymentFailureReason reason(PaymentRecord p) {
    if (p.state() == PaymentState.CANCELED && p.failureReason().isEmpty()) {
      return PaymentFailureReason.CANCELLED;
    }
    FailureReason r = p.failureReason().orElse(FailureReason.GENERIC_DECLINE);
    return switch (r) {
      case PAYER_CANCELED -> PaymentFailureReason.CANCELLED;
      case EXPIRED -> PaymentFailureReason.EXPIRED;
      case FRAUD_SUSPECTED -> PaymentFailureReason.REJECTED_AS_FRAUD;
      case PROVIDER_UNAVAILABLE, PROCESSING_ERROR, INVALID_REQUEST ->
          PaymentFailureReason.PROVIDER_ERROR;
      default -> PaymentFailureReason.DECLINED;
    };
  }

  private static Amount amount(long minorUnits, String currency) {
    return Amount.newBuilder().setMinorUnits(minorUnits).setCurrencyCode(currency).build();
  }

  private static Timestamp timestamp(PaymentRecord p) {
    return Timestamp.newBuilder()
        .setSeconds(p.updatedAt().getEpochSecond())
        .setNanos(p.updatedAt().getNano())
        .build();
  }

  private static UUID id(String paymentId, String change) {
    return UUID.nameUUIDFromBytes(
        ("billing:" + paymentId + ":" + change).getBytes(StandardCharsets.UTF_8));
  }
}
