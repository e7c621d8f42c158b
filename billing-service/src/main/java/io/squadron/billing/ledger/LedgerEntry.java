package io.squadron.billing.ledger;

import static java.util.Objects.requireNonNull;

/**
 * One line of a ledger transaction.
 *
 * @param account the account ({@link Accounts})
 * @param amount minor units: positive debits, negative credits
 */
public record LedgerEntry(String account, long amount) {
  public LedgerEntry {
    requireNonNull(account, "account");
    if (amount == 0) {
      throw new IllegalArgumentException("amount: 0 (expected: a non-zero debit or credit)");
    }
  }
}
