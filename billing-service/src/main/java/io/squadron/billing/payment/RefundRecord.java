package io.squadron.billing.payment;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A refund billing asked a provider for.
 *
 * @param id billing's id (derived from the caller's idempotency key, so a repeated request finds
 *     it)
 * @param paymentId the payment
 * @param amount minor units
 * @param status PENDING until the provider answered, then SUCCEEDED or FAILED
 * @param providerRef the provider's id of the refund
 * @param createdAt created
 */
public record RefundRecord(
    String id,
    String paymentId,
    long amount,
    Status status,
    Optional<String> providerRef,
    Instant createdAt) {
  /** Where a refund is. */
  public enum Status {
    /** Asked; the provider's answer is not known yet. */
    PENDING,
    /** Accepted by the provider; booked in the ledger. */
    SUCCEEDED,
    /** Refused by the provider; nothing booked. */
    FAILED
  }

  public RefundRecord {
    requireNonNull(id, "id");
    requireNonNull(paymentId, "paymentId");
    requireNonNull(status, "status");
    requireNonNull(providerRef, "providerRef");
    requireNonNull(createdAt, "createdAt");
  }
}
