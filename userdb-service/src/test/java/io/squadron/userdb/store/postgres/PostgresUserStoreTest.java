package io.squadron.userdb.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.store.postgres.PostgresSettings;
import io.squadron.testkit.PostgresExtension;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UserStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The contract on a real PostgreSQL database of this class's own, schema applied by Flyway. */
class PostgresUserStoreTest extends UserStoreContract {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();

  private static PostgresUserStore store;

  @BeforeAll
  static void start() {
    store = PostgresUserStore.start(new PostgresSettings(PG.jdbcUrl(), 4, Duration.ofSeconds(5)));
    assertThat(store.migrate()).as("a second run finds nothing to do").isZero();
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
