package io.squadron.checkout.offers;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An offer code's terms.
 *
 * @param code the code (upper case)
 * @param percentOff 0..100
 * @param amountOff minor units of {@code currency}
 * @param currency the currency of {@code amountOff}; empty for a percent code
 * @param trialDays free trial days
 * @param maxRedemptions how many users may redeem it
 * @param expiresAt not valid from then on
 * @param countries where it is valid; empty: everywhere
 */
public record Offer(
    String code,
    int percentOff,
    long amountOff,
    Optional<String> currency,
    int trialDays,
    int maxRedemptions,
    Instant expiresAt,
    List<String> countries) {
  public Offer {
    requireNonNull(code, "code");
    requireNonNull(currency, "currency");
    requireNonNull(expiresAt, "expiresAt");
    countries = List.copyOf(countries);
    if (percentOff < 0 || percentOff > 100) {
      throw new IllegalArgumentException("percentOff: " + percentOff + " (expected: 0..100)");
    }
    if (amountOff < 0) {
      throw new IllegalArgumentException("amountOff: " + amountOff + " (expected: >= 0)");
    }
    if (amountOff > 0 && currency.isEmpty()) {
      throw new IllegalArgumentException("currency: empty (expected: the currency of amountOff)");
    }
    if (maxRedemptions <= 0) {
      throw new IllegalArgumentException("maxRedemptions: " + maxRedemptions + " (expected: > 0)");
    }
  }
}
