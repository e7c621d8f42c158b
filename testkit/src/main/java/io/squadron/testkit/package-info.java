/**
 * JUnit 5 extensions that give each test class its own PostgreSQL database, Cassandra keyspace,
 * memcached key prefix or Kafka topic prefix on real servers: {@link
 * io.squadron.testkit.PostgresExtension}, {@link io.squadron.testkit.CassandraExtension}, {@link
 * io.squadron.testkit.MemcachedExtension}, {@link io.squadron.testkit.KafkaExtension}.
 *
 * <p>Where the servers come from, once per test JVM, on first use: the {@code
 * SQUADRON_POSTGRES_URL}, {@code SQUADRON_CASSANDRA}, {@code SQUADRON_MEMCACHED} and {@code
 * SQUADRON_KAFKA} environment variables when set (nothing is started); else containers when a
 * Docker engine is present, Kafka excepted (set {@code SQUADRON_TESTKIT_CONTAINERS=false} to turn
 * that off); else local processes from {@code local-infra}. The {@code ownServer()} variants always
 * start a private local server for the class, whose fault controls (stop, kill, restart, pause) the
 * test may use.
 */
package io.squadron.testkit;
