package io.squadron.events.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.EventHeaders;
import io.squadron.events.EventTopics;
import io.squadron.events.fixtures.AppliedLog;
import io.squadron.events.fixtures.Ledger;
import io.squadron.events.relay.OutboxRelay;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch handler: a poll's events in one call, each applied once, in order; a failure costs one.
 */
class BatchHandlerTest {
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

  /** Publishes what the outbox holds and waits until the broker has it. */
  private static void publish(int events) throws Exception {
    try (OutboxRelay relay = OutboxRelay.builder(pool, KAFKA.bootstrapServers()).build().start()) {
      AppliedLog.await(
          events + " events published", Duration.ofSeconds(30), () -> relay.published() == events);
    }
  }

  @Test
  void batchHandler_getsManyEventsPerCall_eachAppliedOnce_inOrderPerKey_duplicatesLeftOut()
      throws Exception {
    String topic = KAFKA.createTopic("batched", 2);
    Ledger ledger = new Ledger(pool, topic);
    AppliedLog log = new AppliedLog(pool, "batched");
    for (int round = 0; round < 20; round++) {
      for (int account = 0; account < 10; account++) {
        ledger.change("acct-" + account);
      }
    }
    publish(200);
    // The relay killed between publishing and marking would send a record again: here, the first
    // three records once more.
    List<ConsumerRecord<byte[], byte[]>> published = KAFKA.readAll(topic);
    for (ConsumerRecord<byte[], byte[]> r : published.subList(0, 3)) {
      KAFKA.producer().send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value())).get();
    }
    List<Integer> callSizes = Collections.synchronizedList(new ArrayList<>());
    BatchEventHandler<PaymentSucceeded> handler =
        (events, tx) -> {
          callSizes.add(events.size());
          for (ReceivedEvent<PaymentSucceeded> event : events) {
            log.handler().handle(event, tx);
          }
        };

    try (EventConsumer consumer =
        EventConsumer.builder(KAFKA.group("batched"), pool, KAFKA.bootstrapServers())
            .topic(topic)
            .onBatch(PaymentSucceeded.class, handler)
            .build()
            .start()) {
      AppliedLog.await(
          "200 events applied and 3 duplicates skipped",
          Duration.ofSeconds(60),
          () -> consumer.stats().applied() == 200 && consumer.stats().duplicates() == 3);
    }

    assertThat(log.applications().values()).hasSize(200).containsOnly(1);
    assertThat(callSizes.stream().mapToInt(Integer::intValue).sum())
        .as("duplicates never reach the handler")
        .isEqualTo(200);
    assertThat(Collections.max(callSizes)).as("a poll's events in one call").isGreaterThan(1);
    Map<String, List<Long>> sequences = log.sequencesInAppliedOrder();
    assertThat(sequences).hasSize(10);
    assertThat(sequences.values())
        .allSatisfy(
            seqs -> assertThat(seqs).isEqualTo(LongStream.rangeClosed(1, 20).boxed().toList()));
  }

  @Test
  void batchHandlerFailingOnOneEvent_batchRolledBack_othersAppliedOnce_thatOneDeadLettered()
      throws Exception {
    String topic = KAFKA.createTopic("batched-poison", 1);
    Ledger ledger = new Ledger(pool, topic);
    AppliedLog log = new AppliedLog(pool, "batched-poison");
    for (int i = 0; i < 30; i++) {
      ledger.change(i == 17 ? "bad" : "ok-" + i);
    }
    publish(30);
    List<Integer> callSizes = Collections.synchronizedList(new ArrayList<>());
    // Applies the events before the bad one, then fails: those inserts must roll back with it.
    BatchEventHandler<PaymentSucceeded> handler =
        (events, tx) -> {
          callSizes.add(events.size());
          for (ReceivedEvent<PaymentSucceeded> event : events) {
            if (event.key().equals("bad")) {
              throw new IllegalStateException("cannot apply");
            }
            log.handler().handle(event, tx);
          }
        };

    try (EventConsumer consumer =
        EventConsumer.builder(KAFKA.group("batched-poison"), pool, KAFKA.bootstrapServers())
            .topic(topic)
            .onBatch(PaymentSucceeded.class, handler)
            .maxAttempts(2)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .build()
            .start()) {
      AppliedLog.await(
          "29 applied and 1 dead-lettered",
          Duration.ofSeconds(60),
          () -> consumer.stats().applied() == 29 && consumer.stats().deadLettered() == 1);
    }

    assertThat(log.applications().values()).hasSize(29).containsOnly(1);
    assertThat(log.sequencesInAppliedOrder()).doesNotContainKey("bad");
    assertThat(callSizes).as("the failed batch, then one event per call").contains(1);
    List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readAll(EventTopics.deadLetterTopic(topic));
    assertThat(dead).hasSize(1);
    assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("bad");
    assertThat(
            new String(
                dead.get(0).headers().lastHeader(EventHeaders.DLT_REASON).value(),
                StandardCharsets.UTF_8))
        .isEqualTo("HANDLER_FAILED");
  }
}
