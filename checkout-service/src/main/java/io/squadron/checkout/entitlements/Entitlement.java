package io.squadron.checkout.entitlements;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A plan granted to a user by a payment.
 *
 * @param paymentId billing's payment that granted it (one grant per payment)
 * @param trialEndsAt the end of the free trial an offer code gave, if any
 * @param revokedAt when a full refund or a dispute revoked it
 * @param revokedReason {@code REFUNDED} or {@code DISPUTED}, with {@code revokedAt}
 */
public record Entitlement(
    String paymentId,
    String userId,
    String planId,
    String country,
    String sessionId,
    Instant grantedAt,
    Optional<Instant> trialEndsAt,
    Optional<Instant> revokedAt,
    Optional<String> revokedReason) {
  public Entitlement {
    requireNonNull(paymentId, "paymentId");
    requireNonNull(userId, "userId");
    requireNonNull(planId, "planId");
    requireNonNull(country, "country");
    requireNonNull(sessionId, "sessionId");
    requireNonNull(grantedAt, "grantedAt");
    requireNonNull(trialEndsAt, "trialEndsAt");
    requireNonNull(revokedAt, "revokedAt");
    requireNonNull(revokedReason, "revokedReason");
  }

  /** Whether it still grants the plan. */
  public boolean active() {
    return revokedAt.isEmpty();
  }
}
