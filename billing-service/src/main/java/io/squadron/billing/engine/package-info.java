/**
 * Billing's payment workflow over the domain, the providers and the store: the API's operations
 * with idempotency, attempts with failover, provider follow-ups, and the one commit of every
 * payment change ({@link io.squadron.billing.engine.PaymentEngine}); instrument encryption with
 * Padlock.
 */
package io.squadron.billing.engine;
