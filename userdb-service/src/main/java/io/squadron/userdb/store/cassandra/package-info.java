/**
 * The Cassandra {@link io.squadron.userdb.store.UserStore}: the Java driver, schema applied idempotently at start,
 * username and skeleton uniqueness by lightweight transactions, rows written with their change time as the write
 * timestamp.
 */
package io.squadron.userdb.store.cassandra;
