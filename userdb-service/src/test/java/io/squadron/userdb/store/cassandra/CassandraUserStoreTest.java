package io.squadron.userdb.store.cassandra;

import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.testkit.CassandraExtension;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UserStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The contract on a real Cassandra keyspace of this class's own; a second start finds the schema
 * applied.
 */
class CassandraUserStoreTest extends UserStoreContract {
  @RegisterExtension static final CassandraExtension CASSANDRA = CassandraExtension.perClass();

  private static CassandraUserStore store;

  @BeforeAll
  static void start() {
    CassandraSettings settings = settings(CASSANDRA);
    CassandraUserStore.start(settings, CassandraUserStoreTest::micros).close();
    store = CassandraUserStore.start(settings, CassandraUserStoreTest::micros);
  }

  static CassandraSettings settings(CassandraExtension cassandra) {
    return CassandraSettings.of(cassandra.endpoint(), cassandra.keyspace())
        .withRequestTimeout(Duration.ofSeconds(10));
  }

  static long micros() {
    return System.currentTimeMillis() * 1000;
  }

  @AfterAll
  static void stop() {
    store.close();
  }

  @Override
  protected UserStore store() {
    return store;
  }
}
