/**
 * Provider callbacks: the HTTP endpoint on its own port, the signature check (several secrets
 * during a rotation, 300 s tolerance), and their application to payments, deduplicated by event id,
 * safe in any order.
 */
package io.squadron.billing.callback;
