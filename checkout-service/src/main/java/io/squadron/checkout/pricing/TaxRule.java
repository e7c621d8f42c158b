package io.squadron.checkout.pricing;

import static java.util.Objects.requireNonNull;

import io.squadron.proto.checkout.v1.TaxMode;

/**
 * How a country taxes a line: VAT included in the price, or sales tax added to it, at a rate in
 * basis points.
 *
 * <p>The one rounding rule: a line's tax is rounded half away from zero to the minor unit, line by
 * line; a quote's totals are the sums of its lines. Computed in exact integer arithmetic (no
 * floating point).
 *
 * @param mode included or added
 * @param rateBp the rate in basis points, 0..10000 (2500 = 25 %)
 */
public record TaxRule(TaxMode mode, int rateBp) {
  public TaxRule {
    requireNonNull(mode, "mode");
    if (mode != TaxMode.VAT_INCLUDED && mode != TaxMode.SALES_TAX_ADDED) {
      throw new IllegalArgumentException(
          "mode: " + mode + " (expected: VAT_INCLUDED or SALES_TAX_ADDED)");
    }
    if (rateBp < 0 || rateBp > 10_000) {
      throw new IllegalArgumentException("rateBp: " + rateBp + " (expected: 0..10000)");
    }
  }

  /** A line taxed by this rule. */
  public record Line(long net, long tax, long gross) {}

  /**
   * The line of {@code amount} as shown in the country: a gross amount for VAT_INCLUDED, a net
   * amount for SALES_TAX_ADDED. Negative amounts (discounts) are taxed as their absolute value,
   * negated, so a discount line and the price line it offsets round the same way.
   */
  public Line line(long amount) {
    if (amount < 0) {
      Line positive = line(Math.negateExact(amount));
      return new Line(-positive.net(), -positive.tax(), -positive.gross());
    }
    if (mode == TaxMode.VAT_INCLUDED) {
      long tax = divideRoundingHalfUp(Math.multiplyExact(amount, rateBp), 10_000L + rateBp);
      return new Line(amount - tax, tax, amount);
    }
    long tax = divideRoundingHalfUp(Math.multiplyExact(amount, rateBp), 10_000L);
    return new Line(amount, tax, Math.addExact(amount, tax));
  }

  /** {@code round(a / b)} with halves rounded up, for {@code a >= 0, b > 0}. */
  static long divideRoundingHalfUp(long a, long b) {
    return (a / b) + ((a % b) * 2 >= b ? 1 : 0);
  }
}
