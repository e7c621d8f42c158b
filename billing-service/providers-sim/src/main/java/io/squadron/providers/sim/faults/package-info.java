/**
 * The per-provider control settings: injected request faults, declines, callback faults, simulated
 * customer.
 */
package io.squadron.providers.sim.faults;
