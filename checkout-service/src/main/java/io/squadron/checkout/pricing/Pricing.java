package io.squadron.checkout.pricing;

import io.squadron.proto.checkout.v1.QuoteLine;

/**
 * The price breakdown of a plan with an optional discount: lines taxed by one rule, totals summed
 * from them.
 */
public final class Pricing {
  private Pricing() {}

  /**
   * The breakdown of {@code listPrice} less {@code discount} (both in the country's terms: gross
   * under VAT, net under sales tax).
   *
   * @param discount 0..listPrice
   */
  public static Breakdown price(long listPrice, long discount, TaxRule rule) {
    if (listPrice < 0) {
      throw new IllegalArgumentException("listPrice: " + listPrice + " (expected: >= 0)");
    }
    if (discount < 0 || discount > listPrice) {
      throw new IllegalArgumentException(
          "discount: " + discount + " (expected: 0.." + listPrice + ")");
    }
    TaxRule.Line plan = rule.line(listPrice);
    Breakdown.Builder b = new Breakdown.Builder().add("plan", plan);
    if (discount > 0) {
      b.add("discount", rule.line(-discount));
    }
    return b.build();
  }

  /**
   * The discount an offer gives on {@code listPrice}: {@code percentOff} percent (rounded half up
   * to the minor unit) or {@code amountOff}, never more than the price.
   */
  public static long discount(long listPrice, int percentOff, long amountOff) {
    if (percentOff < 0 || percentOff > 100) {
      throw new IllegalArgumentException("percentOff: " + percentOff + " (expected: 0..100)");
    }
    if (amountOff < 0) {
      throw new IllegalArgumentException("amountOff: " + amountOff + " (expected: >= 0)");
    }
    long byPercent = TaxRule.divideRoundingHalfUp(Math.multiplyExact(listPrice, percentOff), 100);
    return Math.min(listPrice, Math.max(byPercent, amountOff));
  }

  /** Lines and their sums. */
  public record Breakdown(java.util.List<QuoteLine> lines, long net, long tax, long total) {
    static final class Builder {
      private final java.util.List<QuoteLine> lines = new java.util.ArrayList<>();
      private long net;
      private long tax;
      private long total;

      Builder add(String kind, TaxRule.Line line) {
        lines.add(
            QuoteLine.newBuilder()
                .setKind(kind)
                .setDescription(kind)
                .setNet(line.net())
                .setTax(line.tax())
                .setGross(line.gross())
                .build());
        net += line.net();
        tax += line.tax();
        total += line.gross();
        return this;
      }

      Breakdown build() {
        return new Breakdown(java.util.List.copyOf(lines), net, tax, total);
      }
    }
  }
}
