package io.squadron.events.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.fixtures.AppliedLog;
import io.squadron.events.fixtures.Ledger;
import io.squadron.events.relay.OutboxRelay;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.PostgresExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A consumer that restarts resumes from its group's committed offset. */
class ConsumerRestartTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();
  @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.perClass();

  private static HikariDataSource pool;

  @BeforeAll
  static void schema() throws Exception {
    pool = Ledger.pool(PG.jdbcUrl(), 6);
    Ledger.createSchema(pool);
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  private EventConsumer consumer(String topic, AppliedLog log) {
    return EventConsumer.builder(KAFKA.group("restart"), pool, KAFKA.bootstrapServers())
        .topic(topic)
        .on(PaymentSucceeded.class, log.handler())
        .build();
  }

  @Test
  void consumerRestarted_resumesFromCommittedOffset() throws Exception {
    String topic = KAFKA.createTopic("restart", 2);
    Ledger ledger = new Ledger(pool, topic);
    AppliedLog log = new AppliedLog(pool, "restart");
    try (OutboxRelay relay = OutboxRelay.builder(pool, KAFKA.bootstrapServers()).build().start()) {
      for (int i = 0; i < 100; i++) {
        ledger.change("r-" + i % 10);
      }
      try (EventConsumer first = consumer(topic, log).start()) {
        AppliedLog.await(
            "the first 100 applied", Duration.ofSeconds(60), () -> first.stats().applied() == 100);
      }

      for (int i = 0; i < 100; i++) {
        ledger.change("r-" + i % 10);
      }
      AppliedLog.await("all 200 published", Duration.ofSeconds(30), () -> relay.published() == 200);
      try (EventConsumer second = consumer(topic, log).start()) {
        AppliedLog.await(
            "the next 100 applied", Duration.ofSeconds(60), () -> second.stats().applied() == 100);
        // Had it started from the beginning, it would have met the first 100 again (as duplicates).
        assertThat(second.stats().duplicates()).isZero();
      }
    }
    assertThat(log.applications().values()).hasSize(200).containsOnly(1);
    assertThat(log.sequencesInAppliedOrder().values())
        .allSatisfy(seqs -> assertThat(seqs).isSorted().hasSize(20));
  }
}
