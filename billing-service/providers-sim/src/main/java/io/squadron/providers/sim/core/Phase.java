package io.squadron.providers.sim.core;

/**
 * A payment's state in one vocabulary over all providers (each provider also has its own status
 * string): what the provider's view says happened to the money, for tests and reconciliation
 * checks.
 */
public enum Phase {
  /**
   * Created; waiting for the provider or the payer (approval, payment of a voucher, a confirmation
   * days later).
   */
  PENDING,
  /** The payer must act first (3-D Secure challenge). */
  REQUIRES_ACTION,
  /** Funds reserved, not yet captured. */
  AUTHORIZED,
  /** Money taken (captured, paid, confirmed). */
  SUCCEEDED,
  /** Declined or failed: no money moved. */
  FAILED,
  /** Canceled or voided before money moved. */
  CANCELED,
  /** Expired unpaid or unapproved (voucher, QR code, collect request, authorization). */
  EXPIRED,
  /** Succeeded first, then reversed by the bank (a SEPA return). */
  RETURNED;

  /** Whether money was taken and not reversed by the bank (refunds are tracked apart). */
  public boolean charged() {
    return this == SUCCEEDED;
  }

  /** Whether nothing more can happen to the payment except refunds or returns. */
  public boolean terminal() {
    return this != PENDING && this != REQUIRES_ACTION && this != AUTHORIZED;
  }
}
