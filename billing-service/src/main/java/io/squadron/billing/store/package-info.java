/**
 * Billing's PostgreSQL store (Flyway schema {@code db/billing}): payments, refunds, history,
 * idempotency keys, callbacks seen, and the append-only double-entry ledger (balanced per
 * transaction, checked by the database at commit). Every change of a payment commits in one {@link
 * io.squadron.billing.store.StoreTx}.
 */
package io.squadron.billing.store;
