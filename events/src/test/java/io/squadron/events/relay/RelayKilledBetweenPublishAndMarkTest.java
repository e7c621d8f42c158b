package io.squadron.events.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.consumer.EventConsumer;
import io.squadron.events.fixtures.AppliedLog;
import io.squadron.events.fixtures.Ledger;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.proto.events.v1.EventEnvelope;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.PostgresExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A relay process killed between the broker's acknowledgement and marking the rows sent. */
class RelayKilledBetweenPublishAndMarkTest {
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

  @Test
  void relayKilledBetweenPublishAndMark_republishes_duplicateDeliveredAndIgnored()
      throws Exception {
    String topic = KAFKA.createTopic("payments", 2);
    Ledger ledger = new Ledger(pool, topic);
    AppliedLog log = new AppliedLog(pool, "relay-crash");
    for (int i = 0; i < 20; i++) {
      ledger.change("k-" + i % 4);
    }

    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process doomed =
        new ProcessBuilder(
                java.toString(),
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                RelayThatDiesAfterPublishing.class.getName(),
                PG.jdbcUrl(),
                KAFKA.bootstrapServers())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    assertThat(doomed.waitFor(90, TimeUnit.SECONDS)).as("the doomed relay died").isTrue();
    assertThat(doomed.exitValue()).isEqualTo(RelayThatDiesAfterPublishing.HALTED);

    // The broker has all 20, the outbox still says none was sent: the relay's transaction died with
    // it.
    assertThat(KAFKA.readAll(topic)).hasSize(20);
    AppliedLog.await(
        "the dead relay's locks released",
        Duration.ofSeconds(30),
        () -> AppliedLog.unsent(pool) == 20);

    try (OutboxRelay relay =
            OutboxRelay.builder(pool, KAFKA.bootstrapServers()).name("survivor").build().start();
        EventConsumer consumer =
            EventConsumer.builder(KAFKA.group("relay-crash"), pool, KAFKA.bootstrapServers())
                .topic(topic)
                .on(PaymentSucceeded.class, log.handler())
                .build()
                .start()) {
      AppliedLog.await(
          "every copy consumed",
          Duration.ofSeconds(60),
          () -> consumer.stats().applied() + consumer.stats().duplicates() == 40);
      assertThat(relay.published()).as("republished").isEqualTo(20);
      assertThat(consumer.stats().applied()).isEqualTo(20);
      assertThat(consumer.stats().duplicates()).isEqualTo(20);
    }
    List<ConsumerRecord<byte[], byte[]>> onTopic = KAFKA.readAll(topic);
    Map<String, Long> copies =
        onTopic.stream()
            .map(
                r -> {
                  try {
                    return EventEnvelope.parseFrom(r.value()).getEventId();
                  } catch (Exception e) {
                    throw new AssertionError(e);
                  }
                })
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(copies).hasSize(20).allSatisfy((id, n) -> assertThat(n).as(id).isEqualTo(2));
    assertThat(log.applications().values()).hasSize(20).containsOnly(1);
    assertThat(AppliedLog.unsent(pool)).isZero();
  }
}
