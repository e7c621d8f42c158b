/**
 * {@code ./squadron bench checkout}: concurrent sessions through checkout, billing and the provider
 * simulator.
 */
package io.squadron.checkout.bench;
