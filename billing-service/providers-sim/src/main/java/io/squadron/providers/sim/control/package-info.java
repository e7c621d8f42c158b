/** The control API ({@code /_control}) and the settlement reports. */
package io.squadron.providers.sim.control;
