package io.squadron.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.infra.kafka.KafkaLauncher;
import io.squadron.infra.kafka.KafkaServer;
import io.squadron.infra.process.Processes;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class KafkaLauncherTest {

  private static void createTopic(KafkaServer kafka, String topic, int partitions)
      throws Exception {
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  private static KafkaProducer<String, String> producer(KafkaServer kafka, int timeoutMillis) {
    Map<String, Object> config = new HashMap<>(kafka.clientProperties());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMillis);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMillis);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMillis + 1_000);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }

  private static void send(KafkaServer kafka, String topic, int from, int to) throws Exception {
    try (KafkaProducer<String, String> producer = producer(kafka, 30_000)) {
      for (int i = from; i < to; i++) {
        producer.send(new ProducerRecord<>(topic, "k" + (i % 7), "v" + i));
      }
      producer.flush();
    }
  }

  /** Every value in the topic, read from the beginning by a fresh consumer. */
  private static List<String> readAll(KafkaServer kafka, String topic, int expected) {
    Map<String, Object> config = new HashMap<>(kafka.clientProperties());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          values.add(record.value());
        }
      }
    }
    return values;
  }

  @Test
  void start_producesAndConsumes_pauseBlocksUntilResume_closeLeavesNoProcessOrDirectory()
      throws Exception {
    KafkaServer kafka = KafkaLauncher.builder().start();
    ProcessHandle process = ProcessHandle.of(kafka.pid()).orElseThrow();
    try {
      assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
      assertThat(kafka.controllerPort()).isNotEqualTo(kafka.port());
      assertThat(kafka.startTime()).isPositive();
      assertThat(Files.readString(kafka.workDir().resolve("data/meta.properties")))
          .contains("cluster.id=" + kafka.clusterId());
      createTopic(kafka, "greetings", 3);
      send(kafka, "greetings", 0, 50);
      assertThat(readAll(kafka, "greetings", 50)).hasSize(50).contains("v0", "v49");
      assertThat(kafka.peakRssBytes()).isPositive();

      Map<String, Object> config = new HashMap<>(kafka.clientProperties());
      config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1_000);
      config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000);
      try (Admin admin = Admin.create(config)) {
        kafka.pause();
        assertThat(kafka.isPaused()).isTrue();
        assertThatThrownBy(() -> admin.listTopics().names().get(5, TimeUnit.SECONDS))
            .isInstanceOfAny(ExecutionException.class, TimeoutException.class);
        kafka.resume();
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("greetings");
      }
    } finally {
      kafka.close();
    }
    assertThat(Processes.running(process)).isFalse();
    assertThat(Files.exists(kafka.workDir())).isFalse();
    assertThat(kafka.pid()).isEqualTo(-1);
  }

  @Test
  void stopOrKill_thenRestart_samePortAndEveryAcknowledgedRecord() throws Exception {
    try (KafkaServer kafka = KafkaLauncher.builder().start()) {
      int port = kafka.port();
      createTopic(kafka, "ledger", 2);
      send(kafka, "ledger", 0, 100);

      kafka.stop();
      assertThat(kafka.isRunning()).isFalse();
      kafka.restart();
      assertThat(kafka.port()).isEqualTo(port);
      send(kafka, "ledger", 100, 200);

      long pid = kafka.pid();
      kafka.kill();
      assertThat(ProcessHandle.of(pid).map(Processes::running).orElse(false)).isFalse();
      assertThat(kafka.isRunning()).isFalse();
      kafka.restart(); // log recovery after the crash
      assertThat(kafka.port()).isEqualTo(port);
      assertThat(readAll(kafka, "ledger", 200)).hasSize(200).doesNotHaveDuplicates();
    }
  }

  @Test
  void builder_rejectsBadSettings() {
    assertThatThrownBy(() -> KafkaLauncher.builder().heapMb(64)).hasMessageContaining("heapMb: 64");
    assertThatThrownBy(
            () -> KafkaLauncher.builder().brokerProperty("listeners", "PLAINTEXT://0.0.0.0:9092"))
        .hasMessageContaining("brokerProperty: listeners");
    assertThatThrownBy(() -> KafkaLauncher.builder().jvmOption("Xmx1g"))
        .hasMessageContaining("jvmOption");
  }
}
