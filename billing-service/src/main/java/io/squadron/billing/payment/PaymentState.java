package io.squadron.billing.payment;

/**
 * Where a payment is, in billing's own terms (the API's {@code PaymentStatus} without the zero
 * value). States are ordered by {@link #rank()}: a provider observation only ever moves a payment
 * to a higher rank, so a late, repeated or reordered event never moves it back. {@link #FAILED} and
 * {@link #CANCELED} end a payment before money moved; {@link #REFUNDED} and {@link #DISPUTED} end
 * it after.
 */
public enum PaymentState {
  /**
   * Accepted; the provider's first answer is missing (not yet, or lost): the outcome is unknown.
   */
  PENDING(0),
  /** The payer must act (redirect, 3-D Secure, voucher, QR code, phone). */
  REQUIRES_ACTION(1),
  /**
   * The provider is processing (bank debit, operator confirmation, clearing, capture in flight).
   */
  PROCESSING(2),
  /** Authorized; waits for a capture. */
  REQUIRES_CAPTURE(3),
  /** Money taken. */
  SUCCEEDED(4),
  /** Part of the captured money refunded. */
  PARTIALLY_REFUNDED(5),
  /** All captured money refunded. */
  REFUNDED(6),
  /** Money taken back after success (bank return, chargeback). */
  DISPUTED(7),
  /** Failed without taking money. */
  FAILED(9),
  /** Canceled before money moved. */
  CANCELED(9);

  private final int rank;

  PaymentState(int rank) {
    this.rank = rank;
  }

  /** The position in the order payments move through. */
  public int rank() {
    return rank;
  }

  /**
   * Whether nothing can happen to the payment any more (no polling, no provider events applied).
   */
  public boolean isFinal() {
    return this == FAILED || this == CANCELED || this == REFUNDED || this == DISPUTED;
  }

  /** Whether money was taken (and may be refunded or returned). */
  public boolean isSettled() {
    return this == SUCCEEDED || this == PARTIALLY_REFUNDED || this == REFUNDED || this == DISPUTED;
  }

  /** Whether the payment still waits for the payer or the provider (the reconciler polls it). */
  public boolean isOpen() {
    return rank <= REQUIRES_CAPTURE.rank;
  }

  /**
   * Whether a provider observation may move a payment from this state to {@code next}: only
   * forward; FAILED and CANCELED only while no money moved; nothing out of a final state.
   */
  public boolean canMoveTo(PaymentState next) {
    if (next == this || isFinal()) {
      return false;
    }
    if (next == FAILED || next == CANCELED) {
      return isOpen();
    }
    return next.rank > rank;
  }
}
