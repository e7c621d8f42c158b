/**
 * The account domain: registration with canonical usernames (idempotent with a request id),
 * look-ups, compare-and-set updates and deletion with crypto-shredding, over a {@link
 * io.squadron.userdb.store.UserStore}, and the orphan sweeper that gives up creates nobody
 * finished. Personal fields are encrypted here, before any store sees them.
 */
package io.squadron.userdb.account;
