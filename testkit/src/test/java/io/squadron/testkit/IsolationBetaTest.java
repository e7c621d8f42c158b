package io.squadron.testkit;

import org.junit.jupiter.api.extension.RegisterExtension;

class IsolationBetaTest extends AbstractIsolationTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();
  @RegisterExtension static final CassandraExtension CASSANDRA = CassandraExtension.perClass();
  @RegisterExtension static final MemcachedExtension MEMCACHED = MemcachedExtension.perClass();
  @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.perClass();

  @Override
  String marker() {
    return "beta";
  }

  @Override
  PostgresExtension postgres() {
    return PG;
  }

  @Override
  CassandraExtension cassandra() {
    return CASSANDRA;
  }

  @Override
  MemcachedExtension memcached() {
    return MEMCACHED;
  }

  @Override
  KafkaExtension kafka() {
    return KAFKA;
  }
}
