/**
 * The payment domain, pure and tested directly: states and their order ({@link
 * io.squadron.billing.payment.PaymentState}), what a provider observation does to a payment and its
 * ledger ({@link io.squadron.billing.payment.PaymentTransitions}), and routing over providers by
 * measured success ({@link io.squadron.billing.payment.Router}).
 */
package io.squadron.billing.payment;
