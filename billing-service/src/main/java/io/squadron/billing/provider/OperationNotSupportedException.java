package io.squadron.billing.provider;

/** The provider cannot do this at all (refund a voucher, capture part of a pay-later order). */
public final class OperationNotSupportedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** {@code provider} cannot do {@code operation}. */
  public OperationNotSupportedException(String provider, String operation) {
    super(provider + " does not support " + operation, null, false, false);
  }
}
