package io.squadron.userdb.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.migration.ControlRecord;
import io.squadron.migration.MigrationSettings;
import io.squadron.migration.Phase;
import io.squadron.migration.jdbc.JdbcControlStore;
import io.squadron.testkit.Await;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.service.ServiceExtension;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, medium finding "userdb writes" (readiness part): in the migrating mode the service is
 * ready when the stores that serve the current phase answer, not only when both do. A real userdb
 * on a private Cassandra node that the test stops.
 */
class MigratingReadinessTest {
  @RegisterExtension static final CassandraExtension CASSANDRA = CassandraExtension.ownServer();
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  @RegisterExtension
  static final ServiceExtension USERDB =
      ServiceExtension.forService("userdb")
          .calls(PADLOCK)
          .cassandra(CASSANDRA)
          .config(
              """
          squadron.userdb.store = migrating
          squadron.stores.cassandra.request-timeout = 1s
          squadron.store-migration.poll-interval = 100ms
          """);

  private static boolean ready() {
    USERDB.server().refreshReadiness();
    return USERDB.server().isReady();
  }

  @Test
  void migratingReadiness_followsTheStoresOfTheCurrentPhase() {
    JdbcControlStore control = JdbcControlStore.create(USERDB.postgres().dataSource());
    String migration = MigrationSettings.from(USERDB.config()).name();
    assertThat(control.read(migration).phase()).isEqualTo(Phase.SOURCE_ONLY);
    assertThat(ready()).isTrue();

    CASSANDRA.server().stop();
    // POSTGRES_ONLY serves from PostgreSQL alone: a Cassandra outage does not take the instance out
    // of rotation.
    assertThat(ready()).as("ready in SOURCE_ONLY without Cassandra").isTrue();

    ControlRecord record = control.read(migration);
    assertThat(
            control.compareAndSet(
                migration, record.epoch(), Phase.DUAL_WRITE_SOURCE_PRIMARY, Instant.now()))
        .isTrue();
    // Every write now goes to Cassandra too: without it the instance cannot serve.
    Await.until(
        Duration.ofSeconds(20), "not ready once dual writes need Cassandra", () -> !ready());

    CASSANDRA.server().restart();
    Await.until(
        Duration.ofSeconds(60),
        "ready again once Cassandra is back",
        MigratingReadinessTest::ready);
  }
}
