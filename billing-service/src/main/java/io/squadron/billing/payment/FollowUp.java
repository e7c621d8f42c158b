package io.squadron.billing.payment;

/**
 * What billing must do at the provider after an observation, without the caller asking: the
 * provider waits for the merchant. Each runs with a provider idempotency key derived from the
 * attempt, so running it twice (a callback and the reconciler at once, or again after a crash) does
 * it once.
 */
public enum FollowUp {
  /** Nothing to do. */
  NONE,
  /**
   * Capture what the payer approved (a redirect wallet's order, an automatic capture of an
   * authorization).
   */
  CAPTURE,
  /** Turn the payer's approval into an order (pay later's authorization token). */
  PLACE_ORDER
}
