/**
 * The simulator's data (payments, records, events, idempotency records), its clock, seeded draws
 * and journal.
 */
package io.squadron.providers.sim.core;
