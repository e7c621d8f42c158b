package io.squadron.store.kafka;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.util.regex.Pattern;

/**
 * Where a service's Kafka cluster is and how it names its topics: {@code squadron.stores.kafka}
 * (defaults and documentation in this module's {@code reference.conf}). Tools ({@code squadron up},
 * tests) fill both keys from the service's descriptor.
 *
 * @param bootstrapServers {@code host:port[,host:port...]} (the form of {@code SQUADRON_KAFKA})
 * @param topicPrefix put before every topic and consumer-group name the service uses (empty in
 *     production; one per test class on a shared test broker)
 */
public record KafkaSettings(String bootstrapServers, String topicPrefix) {
  /** {@code squadron.stores.kafka}. */
  public static final String PATH = "squadron.stores.kafka";

  private static final Pattern SERVERS =
      Pattern.compile("[^\\s:,]+:\\d{1,5}(,[^\\s:,]+:\\d{1,5})*");
  // Kafka's own rule for topic names: [a-zA-Z0-9._-], at most 249 characters (the prefix leaves
  // room for a name).
  private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9._-]{0,100}");

  /** Validates. */
  public KafkaSettings {
    requireNonNull(bootstrapServers, "bootstrapServers");
    requireNonNull(topicPrefix, "topicPrefix");
    if (!SERVERS.matcher(bootstrapServers).matches()) {
      throw new IllegalArgumentException(
          "bootstrapServers: '" + bootstrapServers + "' (expected: host:port[,host:port...])");
    }
    if (!PREFIX.matcher(topicPrefix).matches()) {
      throw new IllegalArgumentException(
          "topicPrefix: '" + topicPrefix + "' (expected: at most 100 of a-z A-Z 0-9 . _ -)");
    }
  }

  /**
   * Reads {@value #PATH}.
   *
   * @throws InvalidConfigException naming the bad key
   */
  public static KafkaSettings from(Config root) {
    ConfigReader k = ConfigReader.at(root, PATH);
    String servers = k.nonEmptyString("bootstrap-servers").trim();
    String prefix = k.string("topic-prefix");
    try {
      return new KafkaSettings(servers, prefix);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          k.key(e.getMessage().startsWith("topicPrefix") ? "topic-prefix" : "bootstrap-servers"),
          e.getMessage());
    }
  }

  /**
   * The full name of the service's topic or consumer group {@code name}, e.g. {@code userdb.users}.
   */
  public String name(String name) {
    return topicPrefix + requireNonNull(name, "name");
  }
}
