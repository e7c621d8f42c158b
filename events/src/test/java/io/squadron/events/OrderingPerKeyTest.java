package io.squadron.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.consumer.EventConsumer;
import io.squadron.events.fixtures.AppliedLog;
import io.squadron.events.fixtures.Ledger;
import io.squadron.events.relay.OutboxRelay;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.proto.events.v1.EventEnvelope;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Order per key through outbox, relay(s), a topic of several partitions and several consumer
 * threads.
 */
class OrderingPerKeyTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();
  @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.perClass();

  private static HikariDataSource pool;

  @BeforeAll
  static void schema() throws Exception {
    pool = Ledger.pool(PG.jdbcUrl(), 10);
    Ledger.createSchema(pool);
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  /**
   * Appends {@code perAccount} changes to each of {@code accounts} accounts from 4 writer threads.
   */
  private static void produce(Ledger ledger, String prefix, int accounts, int perAccount)
      throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        done.add(
            writers.submit(
                () -> {
                  for (int round = 0; round < perAccount; round++) {
                    for (int a = writer; a < accounts; a += 4) {
                      ledger.change(prefix + a);
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      writers.shutdown();
    }
  }

  private static void assertInOrder(
      Map<String, List<Long>> sequences, int accounts, int perAccount) {
    assertThat(sequences).hasSize(accounts);
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= perAccount; i++) {
      expected.add(i);
    }
    sequences.forEach((account, seqs) -> assertThat(seqs).as(account).isEqualTo(expected));
  }

  @Test
  void orderingPerKey_keptUnderSeveralPartitions_withConcurrentWritersAndConsumerThreads()
      throws Exception {
    String topic = KAFKA.createTopic("payments", 6);
    Ledger ledger = new Ledger(pool, topic);
    AppliedLog log = new AppliedLog(pool, "ordering");
    produce(ledger, "acct-", 40, 25); // 1000 events, 25 per account

    try (OutboxRelay relay =
            OutboxRelay.builder(pool, KAFKA.bootstrapServers())
                .name("ordering")
                .batchSize(100)
                .build()
                .start();
        EventConsumer consumer =
            EventConsumer.builder(KAFKA.group("ordering"), pool, KAFKA.bootstrapServers())
                .topic(topic)
                .on(PaymentSucceeded.class, log.handler())
                .concurrency(3)
                .build()
                .start()) {
      AppliedLog.await("1000 events applied", Duration.ofSeconds(90), () -> log.count() >= 1000);
      assertThat(consumer.stats().applied()).isEqualTo(1000);
    }
    assertThat(log.applications().values()).hasSize(1000).containsOnly(1);
    assertInOrder(log.sequencesInAppliedOrder(), 40, 25);

    // On the topic too: one partition per key, in sequence order.
    Map<String, Integer> partitionOf = new HashMap<>();
    Map<String, List<Long>> onTopic = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : KAFKA.readAll(topic)) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      assertThat(partitionOf.computeIfAbsent(key, k -> r.partition()))
          .as(key)
          .isEqualTo(r.partition());
      EventEnvelope envelope = EventEnvelope.parseFrom(r.value());
      onTopic
          .computeIfAbsent(key, k -> new ArrayList<>())
          .add(envelope.getPayload().unpack(PaymentSucceeded.class).getAmount().getMinorUnits());
    }
    assertThat(partitionOf.values())
        .as("keys spread over the partitions")
        .hasSizeGreaterThan(0)
        .satisfies(p -> assertThat(new java.util.HashSet<>(p)).hasSizeGreaterThan(3));
    assertInOrder(onTopic, 40, 25);
  }

  @Test
  void twoRelayInstances_atOnce_publishEachEventOnce_inOrderPerKey_theOtherTakesOver()
      throws Exception {
    String topic = KAFKA.createTopic("two-relays", 4);
    Ledger ledger = new Ledger(pool, topic);
    produce(ledger, "two-", 30, 40); // 1200 events waiting before either relay starts

    OutboxRelay first =
        OutboxRelay.builder(pool, KAFKA.bootstrapServers()).name("first").batchSize(25).build();
    OutboxRelay second =
        OutboxRelay.builder(pool, KAFKA.bootstrapServers()).name("second").batchSize(25).build();
    try {
      first.start();
      second.start();
      AppliedLog.await(
          "the outbox drained", Duration.ofSeconds(90), () -> AppliedLog.unsent(pool) == 0);
      assertThat(first.published() + second.published()).as("published once each").isEqualTo(1200);

      // One relay stops; the other takes the outbox over (from standing by, if it was).
      OutboxRelay working = first.published() > 0 ? first : second;
      OutboxRelay standing = working == first ? second : first;
      working.close();
      long before = standing.published();
      produce(ledger, "two-", 30, 10);
      AppliedLog.await(
          "the other relay published what came after",
          Duration.ofSeconds(30),
          () -> AppliedLog.unsent(pool) == 0);
      assertThat(standing.published() - before).isEqualTo(300);
      assertThat(first.published()).as("first relay's share").isPositive();
      assertThat(second.published()).as("second relay's share").isPositive();
    } finally {
      first.close();
      second.close();
    }

    Map<String, List<Long>> onTopic = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : KAFKA.readAll(topic)) {
      EventEnvelope envelope = EventEnvelope.parseFrom(r.value());
      onTopic
          .computeIfAbsent(envelope.getKey(), k -> new ArrayList<>())
          .add(envelope.getPayload().unpack(PaymentSucceeded.class).getAmount().getMinorUnits());
    }
    assertInOrder(onTopic, 30, 50);
  }

  @Test
  void relaysWithoutRetention_deleteWhatTheyPublish_eachEventOnce_inOrderPerKey() throws Exception {
    String topic = KAFKA.createTopic("no-retention", 4);
    Ledger ledger = new Ledger(pool, topic);
    produce(ledger, "gone-", 30, 40);

    try (OutboxRelay first =
            OutboxRelay.builder(pool, KAFKA.bootstrapServers())
                .name("first-deleting")
                .batchSize(25)
                .retention(Duration.ZERO)
                .build();
        OutboxRelay second =
            OutboxRelay.builder(pool, KAFKA.bootstrapServers())
                .name("second-deleting")
                .batchSize(25)
                .retention(Duration.ZERO)
                .build()) {
      first.start();
      second.start();
      AppliedLog.await(
          "the outbox drained", Duration.ofSeconds(90), () -> AppliedLog.unsent(pool) == 0);
      assertThat(first.published() + second.published()).isEqualTo(1200);
    }
    try (var c = pool.getConnection();
        var s = c.createStatement();
        var rs =
            s.executeQuery("SELECT count(*) FROM squadron_outbox WHERE topic = '" + topic + "'")) {
      rs.next();
      assertThat(rs.getLong(1)).as("rows left in the outbox").isZero();
    }

    Map<String, List<Long>> onTopic = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : KAFKA.readAll(topic)) {
      EventEnvelope envelope = EventEnvelope.parseFrom(r.value());
      onTopic
          .computeIfAbsent(envelope.getKey(), k -> new ArrayList<>())
          .add(envelope.getPayload().unpack(PaymentSucceeded.class).getAmount().getMinorUnits());
    }
    assertInOrder(onTopic, 30, 40);
  }
}
