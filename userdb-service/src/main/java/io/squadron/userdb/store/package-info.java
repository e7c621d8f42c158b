/**
 * Where accounts live: the {@link io.squadron.userdb.store.UserStore} interface, its row type and
 * errors. Stores hold ciphertexts of personal fields; they never see plaintext email or birth
 * dates.
 */
package io.squadron.userdb.store;
