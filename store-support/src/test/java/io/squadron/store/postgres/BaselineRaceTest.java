package io.squadron.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;

/** Which migration failures are a lost race to baseline a fresh history table, worth a retry. */
class BaselineRaceTest {

  @Test
  void eachWayOfLosingTheRace_isRetried() {
    // Flyway 11's messages, as seen with instances migrating a fresh database together.
    assertThat(
            lost(
                flyway(
                    "Unable to baseline schema history table \"public\".\"flyway_history_orders\" as it already contains migrations")))
        .isTrue();
    assertThat(
            lost(
                flyway(
                    "Unable to baseline schema history table \"public\".\"flyway_history_orders\" as it already exists, and is empty")))
        .isTrue();
    assertThat(
            lost(
                wrapped(
                    new SQLException(
                        "relation \"flyway_history_orders\" already exists", "42P07"))))
        .isTrue();
    assertThat(
            lost(
                wrapped(
                    new SQLException(
                        "duplicate key value violates unique constraint \"flyway_history_orders_pk\"",
                        "23505"))))
        .isTrue();
  }

  @Test
  void otherFailures_areNot() {
    assertThat(lost(flyway("Validate failed: Migrations have failed validation"))).isFalse();
    // A migration's own duplicate: not the history table's.
    assertThat(
            lost(
                wrapped(
                    new SQLException(
                        "duplicate key value violates unique constraint \"orders_pkey\"",
                        "23505"))))
        .isFalse();
    assertThat(lost(wrapped(new SQLException("relation \"orders\" already exists", "42P07"))))
        .isFalse();
  }

  private static boolean lost(Throwable t) {
    return PostgresStore.lostBaselineRace(new IllegalStateException("postgres schema 'orders'", t));
  }

  private static FlywayException flyway(String message) {
    return new FlywayException(message);
  }

  private static FlywayException wrapped(SQLException cause) {
    return new FlywayException("Migration failed", cause);
  }
}
