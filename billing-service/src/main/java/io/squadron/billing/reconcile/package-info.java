/**
 * Reconciliation: the reconciler that resolves unknown and pending payments on a per-method
 * schedule (also what a killed instance left behind), and the comparison of providers' settlement
 * reports with the ledger.
 */
package io.squadron.billing.reconcile;
