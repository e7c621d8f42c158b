package io.squadron.providers.sim.provider;

/**
 * A provider's price list: a percentage (basis points) plus a fixed part per payment, and a fixed
 * fee per bank return. Refunds cost nothing (the payment's fee is kept).
 *
 * @param basisPoints per payment, in 1/100 of a percent
 * @param fixedMinor per payment, in minor units of the payment's currency
 * @param returnFeeMinor per bank return or chargeback
 */
public record Fees(int basisPoints, long fixedMinor, long returnFeeMinor) {
  /** The fee of a payment of {@code amount}. */
  public long forPayment(long amount) {
    return amount * basisPoints / 10_000 + fixedMinor;
  }
}
