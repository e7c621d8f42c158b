/**
 * A service's Cassandra keyspace: {@link io.squadron.store.cassandra.CassandraStore} (a fail-fast
 * session bound to the keyspace, created if missing, with versioned CQL schemas), its settings
 * ({@link io.squadron.store.cassandra.CassandraSettings}, {@code squadron.stores.cassandra}) and
 * the one parser of {@code host:port[,host:port...]/datacenter} endpoints ({@link
 * io.squadron.store.cassandra.CassandraEndpoint}).
 */
package io.squadron.store.cassandra;
