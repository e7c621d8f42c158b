/**
 * The 16 simulated payment providers, their routes and the shared helpers (vault, test cards, check
 * digits).
 */
package io.squadron.providers.sim.provider;
