package io.squadron.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.consumer.EventConsumer;
import io.squadron.events.fixtures.AppliedLog;
import io.squadron.events.fixtures.Ledger;
import io.squadron.events.relay.OutboxRelay;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.PostgresExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker dies (SIGKILL) and later stops cleanly while state changes and their events keep
 * flowing.
 */
class BrokerRestartMidStreamTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();
  @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.ownServer();

  private static HikariDataSource pool;

  @BeforeAll
  static void schema() throws Exception {
    pool = Ledger.pool(PG.jdbcUrl(), 8);
    Ledger.createSchema(pool);
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  @Test
  void brokerKilledAndRestartedMidStream_nothingLost_nothingAppliedTwice() throws Exception {
    String topic = KAFKA.createTopic("payments", 4);
    Ledger ledger = new Ledger(pool, topic);
    AppliedLog log = new AppliedLog(pool, "broker-restart");
    List<UUID> produced = new CopyOnWriteArrayList<>();
    AtomicBoolean writing = new AtomicBoolean(true);
    ExecutorService writer = Executors.newSingleThreadExecutor();

    try (OutboxRelay relay =
            OutboxRelay.builder(pool, KAFKA.bootstrapServers())
                .name("restart")
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .build()
                .start();
        EventConsumer consumer =
            EventConsumer.builder(KAFKA.group("restart"), pool, KAFKA.bootstrapServers())
                .topic(topic)
                .on(PaymentSucceeded.class, log.handler())
                .concurrency(2)
                .build()
                .start()) {
      Future<?> writes =
          writer.submit(
              () -> {
                int i = 0;
                while (writing.get()) {
                  produced.add(ledger.change("acct-" + i++ % 20).eventId());
                  Thread.sleep(2); // a steady stream, ~300 changes/s
                }
                return null;
              });
      AppliedLog.await("the stream flowing", Duration.ofSeconds(60), () -> log.count() >= 200);

      KAFKA.server().kill(); // a crash: the writes go on into the outbox
      AppliedLog.await(
          "a backlog while the broker is down",
          Duration.ofSeconds(30),
          () -> AppliedLog.unsent(pool) >= 100);
      KAFKA.server().restart();
      long afterKill = produced.size();
      AppliedLog.await(
          "the stream flowing again", Duration.ofSeconds(120), () -> log.count() >= afterKill);

      KAFKA.server().stop(); // a clean shutdown this time
      KAFKA.server().restart();
      long afterStop = produced.size();
      AppliedLog.await(
          "the stream flowing again", Duration.ofSeconds(120), () -> log.count() >= afterStop);

      writing.set(false);
      writes.get(30, TimeUnit.SECONDS);
      AppliedLog.await(
          "every event applied", Duration.ofSeconds(120), () -> log.count() >= produced.size());
      Thread.sleep(500); // let any late duplicate arrive before counting
      assertThat(consumer.stats().applied()).isEqualTo(produced.size());
    } finally {
      writer.shutdownNow();
    }
    Map<UUID, Integer> applications = log.applications();
    assertThat(applications.keySet())
        .as("nothing lost")
        .containsExactlyInAnyOrderElementsOf(produced);
    assertThat(applications.values()).as("nothing applied twice").containsOnly(1);
    assertThat(log.sequencesInAppliedOrder().values())
        .allSatisfy(seqs -> assertThat(seqs).isSorted());
    assertThat(AppliedLog.unsent(pool)).isZero();
  }
}
