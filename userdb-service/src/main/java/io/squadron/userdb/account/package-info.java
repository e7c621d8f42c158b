/**
 * The account domain: registration with canonical usernames, look-ups, updates and deletion with crypto-shredding,
 * over a {@link io.squadron.userdb.store.UserStore}. Personal fields are encrypted here, before any store sees them.
 */
package io.squadron.userdb.account;
