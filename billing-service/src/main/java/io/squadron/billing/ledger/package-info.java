/**
 * The double-entry ledger's vocabulary: accounts, entry kinds, balanced postings and the fee
 * schedules they are booked with. The store appends postings in the same database transaction as
 * the payment change that caused them.
 */
package io.squadron.billing.ledger;
