package io.squadron.billing.ledger;

/**
 * A provider's price list as agreed in the merchant's contract: a percentage (basis points) plus a
 * fixed part per payment, and a fixed fee per bank return or chargeback. Refunds cost nothing (the
 * payment's fee is kept). The ledger books these; the settlement reconciliation shows where the
 * provider charged something else.
 *
 * @param basisPoints per payment, in 1/100 of a percent
 * @param fixed per payment, minor units
 * @param returnFee per return or chargeback, minor units
 */
public record FeeSchedule(int basisPoints, long fixed, long returnFee) {
  /** No fees. */
  public static final FeeSchedule FREE = new FeeSchedule(0, 0, 0);

  public FeeSchedule {
    if (basisPoints < 0 || basisPoints > 10_000) {
      throw new IllegalArgumentException("basisPoints: " + basisPoints + " (expected: 0..10000)");
    }
    if (fixed < 0 || returnFee < 0) {
      throw new IllegalArgumentException("fees: " + fixed + ", " + returnFee + " (expected: >= 0)");
    }
  }

  /** The fee of a capture of {@code amount} (rounded down, as providers do). */
  public long forCapture(long amount) {
    return amount * basisPoints / 10_000 + fixed;
  }
}
