/**
 * The plans users were granted by paying in checkout: granted once per payment (by the synchronous
 * path or the payment event, whichever completes the session), revoked by a full refund or a
 * dispute, deleted when the user is.
 */
package io.squadron.checkout.entitlements;
