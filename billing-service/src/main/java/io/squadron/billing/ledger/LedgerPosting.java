package io.squadron.billing.ledger;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One balanced ledger transaction about one payment: its kind, currency and entries, which sum to
 * zero (checked here, and again by the database when it commits).
 *
 * @param kind what it records
 * @param currency ISO 4217 of every entry
 * @param entries at least two, summing to zero
 * @param externalRef the provider's id of what it records (a capture, refund or return), when there
 *     is one
 */
public record LedgerPosting(
    EntryKind kind, String currency, List<LedgerEntry> entries, String externalRef) {
  public LedgerPosting {
    requireNonNull(kind, "kind");
    requireNonNull(currency, "currency");
    entries = List.copyOf(entries);
    if (entries.size() < 2) {
      throw new IllegalArgumentException("entries: " + entries.size() + " (expected: at least 2)");
    }
    long sum = 0;
    for (LedgerEntry e : entries) {
      sum = Math.addExact(sum, e.amount());
    }
    if (sum != 0) {
      throw new IllegalArgumentException(kind + " entries sum to " + sum + " (expected: 0)");
    }
  }

  /**
   * A two-line transaction: {@code amount} debited to {@code debit} and credited to {@code credit}.
   */
  public static LedgerPosting transfer(
      EntryKind kind,
      String currency,
      String debit,
      String credit,
      long amount,
      String externalRef) {
    if (amount <= 0) {
      throw new IllegalArgumentException("amount: " + amount + " (expected: > 0)");
    }
    return new LedgerPosting(
        kind,
        currency,
        List.of(new LedgerEntry(debit, amount), new LedgerEntry(credit, -amount)),
        externalRef);
  }
}
