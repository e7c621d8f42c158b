/**
 * Webhook delivery (at least once, with callback faults), the signature scheme and the derived
 * credentials.
 */
package io.squadron.providers.sim.webhook;
