/**
 * Offer codes in PostgreSQL: atomic reservation when a session quotes a code, redemption when it
 * pays, release.
 */
package io.squadron.checkout.offers;
