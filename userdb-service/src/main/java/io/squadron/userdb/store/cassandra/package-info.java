/**
 * The Cassandra {@link io.squadron.userdb.store.UserStore}: store-support's fail-fast session,
 * versioned CQL applied at start, username and skeleton uniqueness by lightweight transactions,
 * rows written with their change time as the write timestamp.
 */
package io.squadron.userdb.store.cassandra;
