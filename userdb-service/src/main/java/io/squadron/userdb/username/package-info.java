/**
 * Username canonicalization: PRECIS UsernameCaseMapped (RFC 8265) through {@code
 * rocks.xmpp:precis}, the twice-and-compare guard from Spotify's account-hijacking fix, and Unicode
 * TR39 confusable skeletons and restriction levels through ICU4J's {@code SpoofChecker}. Pure and
 * directly unit-tested.
 */
package io.squadron.userdb.username;
