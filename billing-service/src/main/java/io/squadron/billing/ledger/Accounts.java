package io.squadron.billing.ledger;

/**
 * The ledger's chart of accounts. Every account is per currency (an entry carries its currency; one
 * transaction has one currency). Debits are positive, credits negative; a transaction sums to zero.
 *
 * <ul>
 *   <li>{@code provider_receivable:<provider>} (asset): what the provider owes us: captures less
 *       fees, refunds and returns. After reconciliation it matches the sum of the provider's
 *       settlement {@code net}.
 *   <li>{@code customer_payments} (the merchant's side: sales less refunds and returns).
 *   <li>{@code provider_fees:<provider>} (expense).
 *   <li>{@code authorizations:<provider>} and {@code authorizations_held} (memo pair: funds held,
 *       not moved).
 * </ul>
 */
public final class Accounts {
  /** The merchant's side of every payment. */
  public static final String CUSTOMER_PAYMENTS = "customer_payments";

  /** The memo account's counterpart of held authorizations. */
  public static final String AUTHORIZATIONS_HELD = "authorizations_held";

  private Accounts() {}

  /** What {@code provider} owes us. */
  public static String providerReceivable(String provider) {
    return "provider_receivable:" + provider;
  }

  /** The fees {@code provider} charged. */
  public static String providerFees(String provider) {
    return "provider_fees:" + provider;
  }

  /** Funds authorized and held at {@code provider}. */
  public static String authorizations(String provider) {
    return "authorizations:" + provider;
  }
}
