/**
 * The engine: provider states, transactions, timers, request faults and idempotency, independent of
 * HTTP.
 */
package io.squadron.providers.sim.engine;
