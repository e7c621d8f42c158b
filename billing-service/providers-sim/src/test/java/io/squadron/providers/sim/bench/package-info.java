/** The simulator's load benchmark ({@code ./squadron bench providers-sim}). */
package io.squadron.providers.sim.bench;
