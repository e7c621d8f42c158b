/**
 * The events checkout consumes, with the events library's idempotent consumer (each event applied
 * once, in checkout's own PostgreSQL transaction): billing's payment events finish sessions and
 * grant or revoke entitlements; userdb's {@code UserDeleted} makes checkout forget the user.
 */
package io.squadron.checkout.events;
