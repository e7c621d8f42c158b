package io.squadron.checkout.pricing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.proto.checkout.v1.QuoteLine;
import io.squadron.proto.checkout.v1.TaxMode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The rounding rule (per line, half away from zero) on known figures, and its properties on 20,000
 * random cases per property (fixed seeds, so a failure replays): totals are the sums of the lines,
 * never off by a minor unit; under VAT the payer pays exactly the list price less the discount;
 * each line's tax is the exact tax rounded to the nearest minor unit; and the two modes agree (the
 * VAT inside a price that sales tax produced is that sales tax).
 */
class PricingTest {
  private static final TaxRule SE = new TaxRule(TaxMode.VAT_INCLUDED, 2500);
  private static final TaxRule US = new TaxRule(TaxMode.SALES_TAX_ADDED, 725);

  @Test
  void vatIncluded_knownFigures() {
    // SEK 119.00 incl. 25 % VAT: VAT = 119 * 0.25 / 1.25 = 23.80.
    Pricing.Breakdown b = Pricing.price(11900, 0, SE);
    assertThat(b.total()).isEqualTo(11900);
    assertThat(b.tax()).isEqualTo(2380);
    assertThat(b.net()).isEqualTo(9520);
    // EUR 10.99 incl. 19 %: 1099 * 19 / 119 = 175.47 -> 175.
    assertThat(Pricing.price(1099, 0, new TaxRule(TaxMode.VAT_INCLUDED, 1900)).tax())
        .isEqualTo(175);
  }

  @Test
  void salesTaxAdded_knownFigures() {
    // USD 11.99 + 7.25 %: 86.9275 cents -> 87; total 12.86.
    Pricing.Breakdown b = Pricing.price(1199, 0, US);
    assertThat(b.tax()).isEqualTo(87);
    assertThat(b.total()).isEqualTo(1286);
    // Exactly half a cent rounds away from zero: 200 * 7.25 % = 14.5 -> 15.
    assertThat(US.line(200).tax()).isEqualTo(15);
    assertThat(US.line(-200).tax()).isEqualTo(-15);
  }

  @Test
  void discount_percentRoundsHalfUp_amountCapped() {
    assertThat(Pricing.discount(1099, 50, 0)).isEqualTo(550);
    assertThat(Pricing.discount(11900, 0, 2000)).isEqualTo(2000);
    assertThat(Pricing.discount(1000, 0, 5000)).isEqualTo(1000);
    assertThat(Pricing.discount(1000, 100, 0)).isEqualTo(1000);
  }

  @Test
  void withDiscount_linesAndTotals() {
    Pricing.Breakdown b = Pricing.price(11900, 5950, SE);
    assertThat(b.lines()).extracting(QuoteLine::getKind).containsExactly("plan", "discount");
    assertThat(b.total()).isEqualTo(5950);
    assertThat(b.lines().get(1).getGross()).isEqualTo(-5950);
    assertThat(b.tax()).isEqualTo(b.lines().get(0).getTax() + b.lines().get(1).getTax());
  }

  @Test
  void badInput_refusedNamingTheArgument() {
    assertThatThrownBy(() -> Pricing.price(100, 101, SE)).hasMessageContaining("discount: 101");
    assertThatThrownBy(() -> Pricing.price(-1, 0, SE)).hasMessageContaining("listPrice: -1");
    assertThatThrownBy(() -> new TaxRule(TaxMode.VAT_INCLUDED, 10_001))
        .hasMessageContaining("rateBp: 10001");
    assertThatThrownBy(() -> Pricing.discount(100, 101, 0)).hasMessageContaining("percentOff: 101");
  }

  @Test
  void property_totalsAreTheSumsOfTheLines_neverOffByAMinorUnit() {
    SplittableRandom random = new SplittableRandom(13);
    for (int i = 0; i < 20_000; i++) {
      TaxRule rule =
          new TaxRule(
              random.nextBoolean() ? TaxMode.VAT_INCLUDED : TaxMode.SALES_TAX_ADDED,
              random.nextInt(0, 3_001));
      long list = random.nextLong(0, 10_000_000);
      long discount = list == 0 ? 0 : random.nextLong(0, list + 1);
      Pricing.Breakdown b = Pricing.price(list, discount, rule);
      long net = 0;
      long tax = 0;
      long gross = 0;
      for (QuoteLine line : b.lines()) {
        assertThat(line.getNet() + line.getTax())
            .as("line %s of %s", line, rule)
            .isEqualTo(line.getGross());
        net += line.getNet();
        tax += line.getTax();
        gross += line.getGross();
      }
      assertThat(b.total()).isEqualTo(gross).isEqualTo(net + tax);
      assertThat(b.tax()).isEqualTo(tax).isGreaterThanOrEqualTo(0);
      if (rule.mode() == TaxMode.VAT_INCLUDED) {
        assertThat(b.total())
            .as("VAT included: the payer pays the shown price less the discount")
            .isEqualTo(list - discount);
      } else {
        assertThat(b.net()).isEqualTo(list - discount);
      }
    }
  }

  @Test
  void property_lineTaxIsTheExactTaxRoundedToTheNearestMinorUnit() {
    SplittableRandom random = new SplittableRandom(17);
    for (int i = 0; i < 20_000; i++) {
      int bp = random.nextInt(1, 3_001);
      long amount = random.nextLong(0, 100_000_000);
      BigDecimal added = BigDecimal.valueOf(amount * bp).divide(BigDecimal.valueOf(10_000));
      BigDecimal included =
          BigDecimal.valueOf(amount * bp)
              .divide(BigDecimal.valueOf(10_000L + bp), 12, RoundingMode.HALF_UP);
      assertThat(new TaxRule(TaxMode.SALES_TAX_ADDED, bp).line(amount).tax())
          .isEqualTo(added.setScale(0, RoundingMode.HALF_UP).longValueExact());
      assertThat(new TaxRule(TaxMode.VAT_INCLUDED, bp).line(amount).tax())
          .isEqualTo(included.setScale(0, RoundingMode.HALF_UP).longValueExact());
    }
  }

  @Test
  void property_inclusiveAndExclusiveAgree() {
    SplittableRandom random = new SplittableRandom(19);
    for (int i = 0; i < 20_000; i++) {
      int bp = random.nextInt(0, 3_001);
      long net = random.nextLong(0, 100_000_000);
      TaxRule.Line added = new TaxRule(TaxMode.SALES_TAX_ADDED, bp).line(net);
      TaxRule.Line included = new TaxRule(TaxMode.VAT_INCLUDED, bp).line(added.gross());
      assertThat(included.tax()).as("net %d at %d bp", net, bp).isEqualTo(added.tax());
      assertThat(included.net()).isEqualTo(net);
    }
  }
}
