package io.squadron.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A private broker's fault controls: a producer rides out a kill and restart, and nothing
 * acknowledged is lost.
 */
class KafkaFaultsTest {
  @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.ownServer();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void killedBroker_restartedOnSamePort_producerRetriesThrough_everyAcknowledgedRecordKept()
      throws Exception {
    String topic = KAFKA.createTopic("ledger", 2);
    KafkaProducer<byte[], byte[]> producer =
        KAFKA.newProducer(
            Map.of(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                120_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                120_000));
    for (int i = 0; i < 100; i++) {
      producer
          .send(new ProducerRecord<>(topic, bytes("k" + i % 5), bytes("before-" + i)))
          .get(30, TimeUnit.SECONDS);
    }
    int port = KAFKA.server().port();

    KAFKA.server().kill();
    // Sent while the broker is down: send() waits for the partition leader (up to max.block.ms) and
    // the
    // idempotent producer retries until the broker is back, so the sender runs beside the restart.
    ExecutorService sender = Executors.newSingleThreadExecutor();
    Future<List<Future<RecordMetadata>>> sent =
        sender.submit(
            () -> {
              List<Future<RecordMetadata>> pending = new ArrayList<>();
              for (int i = 0; i < 100; i++) {
                pending.add(
                    producer.send(
                        new ProducerRecord<>(topic, bytes("k" + i % 5), bytes("during-" + i))));
              }
              return pending;
            });
    KAFKA.server().restart();
    assertThat(KAFKA.server().port()).isEqualTo(port);
    for (Future<RecordMetadata> f : sent.get(120, TimeUnit.SECONDS)) {
      f.get(120, TimeUnit.SECONDS);
    }
    sender.shutdown();

    List<String> values =
        KAFKA.readAll(topic, Duration.ofSeconds(60)).stream()
            .map(r -> new String(r.value(), StandardCharsets.UTF_8))
            .toList();
    assertThat(values)
        .hasSize(200)
        .doesNotHaveDuplicates()
        .contains("before-0", "before-99", "during-0", "during-99");
  }

  @Test
  void pausedBroker_adminCallsTimeOut_untilResumed() throws Exception {
    KAFKA.createTopic("pings", 1);
    KAFKA.server().pause();
    try {
      assertThat(Files.readString(Path.of("/proc/" + KAFKA.server().pid() + "/stat")).split(" ")[2])
          .as("process state")
          .isEqualTo("T");
      // A client made now: nothing it could answer from a cache, it has to ask the frozen broker.
      try (Admin admin =
          Admin.create(
              Map.of(
                  "bootstrap.servers",
                  KAFKA.bootstrapServers(),
                  "default.api.timeout.ms",
                  1_000,
                  "request.timeout.ms",
                  1_000))) {
        assertThatThrownBy(() -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS))
            .isInstanceOf(Exception.class);
      }
    } finally {
      KAFKA.server().resume();
    }
    assertThat(KAFKA.admin().listTopics().names().get(30, TimeUnit.SECONDS))
        .contains(KAFKA.topic("pings"));
  }
}
