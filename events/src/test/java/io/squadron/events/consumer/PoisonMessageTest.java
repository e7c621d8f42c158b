package io.squadron.events.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.EventHeaders;
import io.squadron.events.EventTopics;
import io.squadron.events.fixtures.AppliedLog;
import io.squadron.events.fixtures.Ledger;
import io.squadron.events.relay.OutboxRelay;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.proto.events.v1.EventEnvelope;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Poison records go to the dead-letter topic and the partition moves on; transient failures are
 * retried.
 */
class PoisonMessageTest {
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

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header h = record.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void poisonMessage_goesToDeadLetterTopic_partitionKeepsMoving() throws Exception {
    String topic = KAFKA.createTopic("poison", 1);
    Ledger ledger = new Ledger(pool, topic);
    AppliedLog log = new AppliedLog(pool, "poison");
    // The handler fails for good on account "bad" (a bug it cannot get past) and rejects "invalid"
    // as such.
    EventHandler<PaymentSucceeded> handler =
        (event, tx) -> {
          if (event.key().equals("bad")) {
            throw new IllegalStateException("cannot apply");
          }
          if (event.key().equals("invalid")) {
            throw new NonRetryableEventException("amount out of range");
          }
          log.handler().handle(event, tx);
        };

    ledger.change("good-1");
    ledger.change("bad");
    ledger.change("invalid");
    ledger.change("good-2");
    try (OutboxRelay relay = OutboxRelay.builder(pool, KAFKA.bootstrapServers()).build().start()) {
      AppliedLog.await(
          "four events published", Duration.ofSeconds(30), () -> relay.published() == 4);
    }
    // Then two records that are no events at all: garbage, and an envelope of another schema
    // version.
    KAFKA
        .producer()
        .send(new ProducerRecord<>(topic, bytes("junk"), bytes("not a protobuf \u0000\u00ff")))
        .get();
    EventEnvelope future =
        EventEnvelope.newBuilder()
            .setEventId("0c7f8d9e-1111-4c4c-8888-123456789abc")
            .setType("x.Y")
            .setSchemaVersion(2)
            .build();
    KAFKA.producer().send(new ProducerRecord<>(topic, bytes("v2"), future.toByteArray())).get();
    ledger.change("good-3");
    try (OutboxRelay relay = OutboxRelay.builder(pool, KAFKA.bootstrapServers()).build().start()) {
      AppliedLog.await(
          "the fifth event published", Duration.ofSeconds(30), () -> relay.published() == 1);
    }

    String group = KAFKA.group("poison");
    try (EventConsumer consumer =
        EventConsumer.builder(group, pool, KAFKA.bootstrapServers())
            .topic(topic)
            .on(PaymentSucceeded.class, handler)
            .maxAttempts(3)
            .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
            .build()
            .start()) {
      AppliedLog.await("the good events applied", Duration.ofSeconds(60), () -> log.count() == 3);
      AppliedLog.await(
          "four records dead-lettered",
          Duration.ofSeconds(30),
          () -> consumer.stats().deadLettered() == 4);
      assertThat(consumer.stats().applied()).isEqualTo(3);
    }

    assertThat(log.sequencesInAppliedOrder()).containsOnlyKeys("good-1", "good-2", "good-3");
    List<ConsumerRecord<byte[], byte[]>> dead = KAFKA.readAll(EventTopics.deadLetterTopic(topic));
    assertThat(dead)
        .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
        .containsExactly("bad", "invalid", "junk", "v2");
    assertThat(dead)
        .extracting(r -> header(r, EventHeaders.DLT_REASON))
        .containsExactly("HANDLER_FAILED", "NON_RETRYABLE", "MALFORMED", "MALFORMED");
    assertThat(dead)
        .extracting(r -> header(r, EventHeaders.DLT_ATTEMPTS))
        .containsExactly("3", "1", "0", "0");
    assertThat(dead)
        .extracting(r -> header(r, EventHeaders.DLT_ORIGINAL_OFFSET))
        .containsExactly("1", "2", "4", "5");
    assertThat(dead)
        .allSatisfy(
            r -> {
              assertThat(header(r, EventHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(topic);
              assertThat(header(r, EventHeaders.DLT_ORIGINAL_PARTITION)).isEqualTo("0");
              assertThat(header(r, EventHeaders.DLT_CONSUMER_GROUP)).isEqualTo(group);
            });
    assertThat(header(dead.get(0), EventHeaders.DLT_ERROR))
        .isEqualTo("java.lang.IllegalStateException: cannot apply");
    assertThat(header(dead.get(3), EventHeaders.DLT_ERROR)).contains("schema_version 2");
    assertThat(dead.get(2).value())
        .as("the record travels unchanged")
        .isEqualTo(bytes("not a protobuf \u0000\u00ff"));

    // The partition moved past everything: the group's committed offset is the end of the topic.
    Map<TopicPartition, OffsetAndMetadata> committed =
        KAFKA
            .admin()
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    assertThat(committed.get(new TopicPartition(topic, 0)).offset()).isEqualTo(7);
  }

  @Test
  void transientHandlerFailure_retriedWithBackoff_appliedOnce() throws Exception {
    String topic = KAFKA.createTopic("flaky", 1);
    Ledger ledger = new Ledger(pool, topic);
    AppliedLog log = new AppliedLog(pool, "flaky");
    Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    // Fails twice per event, then works: inserts made before the failure roll back with it.
    EventHandler<PaymentSucceeded> flaky =
        (event, tx) -> {
          log.handler().handle(event, tx);
          if (calls
                  .computeIfAbsent(event.eventId().toString(), k -> new AtomicInteger())
                  .incrementAndGet()
              <= 2) {
            throw new IllegalStateException("flaky dependency");
          }
        };
    for (int i = 0; i < 5; i++) {
      ledger.change("flaky-" + i);
    }
    try (OutboxRelay relay = OutboxRelay.builder(pool, KAFKA.bootstrapServers()).build().start();
        EventConsumer consumer =
            EventConsumer.builder(KAFKA.group("flaky"), pool, KAFKA.bootstrapServers())
                .topic(topic)
                .on(PaymentSucceeded.class, flaky)
                .maxAttempts(3)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
                .build()
                .start()) {
      AppliedLog.await(
          "five events applied", Duration.ofSeconds(60), () -> consumer.stats().applied() == 5);
      assertThat(consumer.stats().deadLettered()).isZero();
    }
    assertThat(log.applications().values()).hasSize(5).containsOnly(1);
  }
}
