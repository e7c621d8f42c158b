package io.squadron.events.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.fixtures.AppliedLog;
import io.squadron.events.fixtures.Ledger;
import io.squadron.events.outbox.Outbox;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.PostgresExtension;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An idle relay pauses between empty rounds (growing to {@code maxIdlePoll}, so an idle outbox is
 * not polled 50 times a second); {@link OutboxRelay#wakeUp()} ends the pause, so an appender in the
 * relay's process gets its events out at once, and {@link OutboxRelay#close()} does not wait for it
 * either. The pauses here are far longer than the deadlines: only a wake-up can pass the test.
 */
class RelayIdlePauseTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();
  @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.perClass();

  private static final Duration PAUSE = Duration.ofMinutes(10);
  private static HikariDataSource pool;

  @BeforeAll
  static void schema() throws Exception {
    pool = Ledger.pool(PG.jdbcUrl(), 4);
    Ledger.createSchema(pool);
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  @Test
  void idleRelay_wakeUpAfterCommit_publishesAtOnce_closeEndsThePause() throws Exception {
    String topic = KAFKA.createTopic("wake", 1);
    Outbox outbox = Outbox.forProducer("ledger");
    Ledger ledger = new Ledger(pool, topic);
    long closeNanos;
    try (OutboxRelay relay =
        OutboxRelay.builder(pool, KAFKA.bootstrapServers())
            .idlePoll(PAUSE)
            .maxIdlePoll(PAUSE)
            .build()
            .start()) {
      for (long seq = 1; seq <= 2; seq++) {
        try (Connection tx = pool.getConnection()) {
          tx.setAutoCommit(false);
          Ledger.bump(tx, "w");
          outbox.append(tx, ledger.event("w", seq));
          tx.commit();
        }
        relay.wakeUp();
        long expected = seq;
        AppliedLog.await(
            "event " + seq + " published after the wake-up, long before the idle pause ends",
            Duration.ofSeconds(60),
            () -> relay.published() == expected);
      }
      closeNanos = System.nanoTime();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - closeNanos))
        .as("close() while the relay pauses")
        .isLessThan(PAUSE.dividedBy(2));
    assertThat(KAFKA.readAll(topic)).hasSize(2);
  }

  @Test
  void builder_rejectsANonPositiveMaxIdlePoll() {
    assertThatThrownBy(
            () -> OutboxRelay.builder(pool, KAFKA.bootstrapServers()).maxIdlePoll(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("maxIdlePoll");
  }
}
