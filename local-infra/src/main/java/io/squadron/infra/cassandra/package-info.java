/**
 * Cassandra: a real single-node Cassandra 5.0 ({@code org.apache.cassandra:cassandra-all}, resolved
 * by Maven into the separate {@code cassandra-runtime} classpath) in a forked Java 17 JVM with a
 * generated {@code cassandra.yaml}; ready when the Java driver runs a query. {@link
 * io.squadron.infra.cassandra.CassandraServer#endpoint()} is its {@code SQUADRON_CASSANDRA} value
 * (services parse it with store-support's {@code CassandraEndpoint}).
 */
package io.squadron.infra.cassandra;
