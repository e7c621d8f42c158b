package io.squadron.billing.payment;

/**
 * An operation the payment's state does not allow (capturing a failed payment, refunding a pending
 * one). Becomes FAILED_PRECONDITION with reason ILLEGAL_TRANSITION; the message names the payment's
 * state.
 */
public final class IllegalTransitionException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final PaymentState state;

  /** {@code operation} is not possible on payment {@code paymentId} in {@code state}. */
  public IllegalTransitionException(String paymentId, PaymentState state, String operation) {
    super(
        "payment " + paymentId + " is " + state + ": " + operation + " is not possible",
        null,
        false,
        false);
    this.state = state;
  }

  /** The payment's state. */
  public PaymentState state() {
    return state;
  }
}
