package io.squadron.billing.ledger;

import java.util.ArrayList;
import java.util.List;

/** The ledger transactions of each money movement of a payment at {@code provider}. */
public final class Postings {
  private Postings() {}

  /** Funds held: debit the provider's authorizations, credit the memo counterpart. */
  public static LedgerPosting authorization(String provider, String currency, long amount) {
    return LedgerPosting.transfer(
        EntryKind.AUTHORIZATION,
        currency,
        Accounts.authorizations(provider),
        Accounts.AUTHORIZATIONS_HELD,
        amount,
        null);
  }

  /** Held funds released (captured, canceled, expired). */
  public static LedgerPosting release(String provider, String currency, long amount) {
    return LedgerPosting.transfer(
        EntryKind.AUTHORIZATION_RELEASE,
        currency,
        Accounts.AUTHORIZATIONS_HELD,
        Accounts.authorizations(provider),
        amount,
        null);
  }

  /** A capture of {@code amount}: the provider owes it; then its fee, when there is one. */
  public static List<LedgerPosting> capture(
      String provider, String currency, long amount, FeeSchedule fees, String externalRef) {
    List<LedgerPosting> out = new ArrayList<>(2);
    out.add(
        LedgerPosting.transfer(
            EntryKind.CAPTURE,
            currency,
            Accounts.providerReceivable(provider),
            Accounts.CUSTOMER_PAYMENTS,
            amount,
            externalRef));
    long fee = fees.forCapture(amount);
    if (fee > 0) {
      out.add(
          LedgerPosting.transfer(
              EntryKind.FEE,
              currency,
              Accounts.providerFees(provider),
              Accounts.providerReceivable(provider),
              fee,
              externalRef));
    }
    return out;
  }

  /** A refund of {@code amount} at our request. */
  public static LedgerPosting refund(
      String provider, String currency, long amount, String externalRef) {
    return LedgerPosting.transfer(
        EntryKind.REFUND,
        currency,
        Accounts.CUSTOMER_PAYMENTS,
        Accounts.providerReceivable(provider),
        amount,
        externalRef);
  }

  /** A bank return ({@code chargeback == false}) or a chargeback of {@code amount}, and its fee. */
  public static List<LedgerPosting> reversal(
      String provider,
      String currency,
      long amount,
      FeeSchedule fees,
      boolean chargeback,
      String externalRef) {
    List<LedgerPosting> out = new ArrayList<>(2);
    out.add(
        LedgerPosting.transfer(
            chargeback ? EntryKind.CHARGEBACK : EntryKind.RETURN,
            currency,
            Accounts.CUSTOMER_PAYMENTS,
            Accounts.providerReceivable(provider),
            amount,
            externalRef));
    if (fees.returnFee() > 0) {
      out.add(
          LedgerPosting.transfer(
              EntryKind.FEE,
              currency,
              Accounts.providerFees(provider),
              Accounts.providerReceivable(provider),
              fees.returnFee(),
              externalRef));
    }
    return out;
  }
}
