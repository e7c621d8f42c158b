/**
 * Prices, taxes and quotes: pure arithmetic in minor units (one rounding rule, per line) and the
 * quote's signature.
 */
package io.squadron.checkout.pricing;
