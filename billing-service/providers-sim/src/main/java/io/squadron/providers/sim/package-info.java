/**
 * The payment provider simulator: {@link io.squadron.providers.sim.ProvidersSim} (start one in a
 * JVM), {@link io.squadron.providers.sim.ProvidersSimMain} (run one as a process) and its settings.
 */
package io.squadron.providers.sim;
