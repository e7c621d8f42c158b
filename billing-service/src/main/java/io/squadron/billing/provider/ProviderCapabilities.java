package io.squadron.billing.provider;

import java.util.Set;

/**
 * What a provider can do; routing, ListPaymentMethods and the API's checks read it.
 *
 * @param currencies the currencies it takes (empty: any)
 * @param manualCapture whether a payment can stop at REQUIRES_CAPTURE
 * @param partialCapture whether a capture may take less than authorized
 * @param refunds whether refunds work: not at all, in full only, or in parts
 * @param partialAmount whether it may take less than asked (gift cards: split tender)
 * @param maxAmount the largest amount it takes, minor units
 * @param amountStep amounts must be multiples of this (whole shillings at M-Pesa: 100)
 */
public record ProviderCapabilities(
    Set<String> currencies,
    boolean manualCapture,
    boolean partialCapture,
    Refunds refunds,
    boolean partialAmount,
    long maxAmount,
    long amountStep) {

  /** How a provider refunds. */
  public enum Refunds {
    /** No refund API (vouchers, debits, push payments). */
    NONE,
    /** Only everything at once. */
    FULL,
    /** Any amount, several times. */
    PARTIAL
  }

  public ProviderCapabilities {
    currencies = Set.copyOf(currencies);
  }

  /**
   * Any currency, automatic capture only, partial refunds, the full amount, up to 99,999,999,999.
   */
  public static ProviderCapabilities basic() {
    return new ProviderCapabilities(
        Set.of(), false, false, Refunds.PARTIAL, false, 99_999_999_999L, 1);
  }

  /** Whether it takes {@code currency}. */
  public boolean takes(String currency) {
    return currencies.isEmpty() || currencies.contains(currency);
  }

  public ProviderCapabilities withCurrencies(Set<String> c) {
    return new ProviderCapabilities(
        c, manualCapture, partialCapture, refunds, partialAmount, maxAmount, amountStep);
  }

  public ProviderCapabilities withManualCapture(boolean partial) {
    return new ProviderCapabilities(
        currencies, true, partial, refunds, partialAmount, maxAmount, amountStep);
  }

  public ProviderCapabilities withRefunds(Refunds r) {
    return new ProviderCapabilities(
        currencies, manualCapture, partialCapture, r, partialAmount, maxAmount, amountStep);
  }

  public ProviderCapabilities withPartialAmount() {
    return new ProviderCapabilities(
        currencies, manualCapture, partialCapture, refunds, true, maxAmount, amountStep);
  }

  public ProviderCapabilities withMaxAmount(long max, long step) {
    return new ProviderCapabilities(
        currencies, manualCapture, partialCapture, refunds, partialAmount, max, step);
  }
}
