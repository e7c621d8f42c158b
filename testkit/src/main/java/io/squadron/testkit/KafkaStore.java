package io.squadron.testkit;

import io.squadron.infra.LocalInfra;
import io.squadron.infra.kafka.KafkaLauncher;
import io.squadron.infra.kafka.KafkaServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;

/**
 * A Kafka cluster for tests, reached through its bootstrap servers. Test classes keep apart by a
 * topic (and consumer group) prefix; on an external cluster the topics under each class's prefix
 * are deleted when the server is closed.
 *
 * <p>Kafka never runs in a container here, even where Docker answers: the local broker starts in a
 * few seconds from Maven Central's jars, and a container's advertised listener would need the
 * mapped port before it starts.
 */
final class KafkaStore extends StoreServer {
  private final String bootstrapServers;

  private KafkaStore(
      Source source, String bootstrapServers, KafkaServer local, AutoCloseable owned) {
    super(source, local, owned);
    this.bootstrapServers = bootstrapServers;
  }

  /** The cluster named by {@code SQUADRON_KAFKA}, else a local broker. */
  static KafkaStore shared(Map<String, String> environment) {
    String external = environment.get(LocalInfra.KAFKA_ENV);
    if (external != null && !external.isBlank()) {
      return new KafkaStore(Source.ENVIRONMENT, external.trim(), null, null);
    }
    return localProcess();
  }

  /** A new local broker. */
  static KafkaStore localProcess() {
    KafkaServer server = KafkaLauncher.builder().start();
    return new KafkaStore(Source.LOCAL_PROCESS, server.bootstrapServers(), server, server);
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  /** {@code bootstrap.servers} for a client of this cluster. */
  Map<String, Object> clientProperties() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
  }

  /** Remembers a class's prefix, so its topics are deleted at the end on an external cluster. */
  void reserve(String prefix) {
    created(prefix);
  }

  @Override
  void drop(String prefix) throws Exception {
    try (Admin admin = Admin.create(clientProperties())) {
      List<String> topics =
          admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(topic -> topic.startsWith(prefix))
              .toList();
      if (!topics.isEmpty()) {
        admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
      }
    }
  }
}
