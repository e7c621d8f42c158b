/**
 * One adapter per simulated provider, each translating billing's operations to its provider's own
 * API shapes, statuses, decline codes and events, and back. Adapters hold no state: what a later
 * call needs (a capture id, an order id, a one-time token) travels in the payment's provider data.
 */
package io.squadron.billing.provider.adapter;
