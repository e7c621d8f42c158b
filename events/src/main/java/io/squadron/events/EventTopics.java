package io.squadron.events;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates topics that do not exist yet. Squadron's brokers do not create topics on first use (a
 * typo would make one), so a service creates the topics it publishes to at start; consumers create
 * their dead-letter topics.
 */
public final class EventTopics {
  /** The suffix of a topic's dead-letter topic: {@code <topic>.dlt}. */
  public static final String DEAD_LETTER_SUFFIX = ".dlt";

  private EventTopics() {}

  /** The dead-letter topic of {@code topic}. */
  public static String deadLetterTopic(String topic) {
    return requireNonNull(topic, "topic") + DEAD_LETTER_SUFFIX;
  }

  /**
   * Creates {@code topic} with {@code partitions} partitions and the broker's default replication
   * factor unless it exists (an existing topic is left as it is, whatever its partition count), and
   * returns once the broker describes it.
   *
   * @throws IllegalStateException if the broker does not answer within 30 s or refuses
   */
  public static void ensure(Admin admin, String topic, int partitions) {
    create(admin, topic, partitions, Optional.empty());
  }

  /** As {@link #ensure(Admin, String, int)} with an explicit replication factor. */
  public static void ensure(Admin admin, String topic, int partitions, short replicationFactor) {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replicationFactor: " + replicationFactor + " (expected: >= 1)");
    }
    create(admin, topic, partitions, Optional.of(replicationFactor));
  }

  private static void create(
      Admin admin, String topic, int partitions, Optional<Short> replicationFactor) {
    requireNonNull(admin, "admin");
    requireNonNull(topic, "topic");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: " + partitions + " (expected: >= 1)");
    }
    try {
      admin
          .createTopics(List.of(new NewTopic(topic, Optional.of(partitions), replicationFactor)))
          .all()
          .get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(
            "cannot create topic " + topic + ": " + e.getCause(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + topic + ": no answer in 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    }
    awaitDescribable(admin, topic);
  }

  /**
   * A topic just created may not be in the broker's metadata yet (describing it answers
   * UnknownTopicOrPartition for a moment, longer on a loaded machine): wait until it is, so a
   * consumer or producer started next finds it.
   */
  private static void awaitDescribable(Admin admin, String topic) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "topic " + topic + " created but not described: " + e.getCause(), e.getCause());
        }
      } catch (TimeoutException e) {
        throw new IllegalStateException("cannot describe topic " + topic + ": no answer", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while describing topic " + topic, e);
      }
      try {
        Thread.sleep(100); // polling the broker's metadata, bounded by the deadline above
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while describing topic " + topic, e);
      }
    }
  }

  /**
   * The partition count of an existing topic.
   *
   * @throws IllegalStateException if it does not exist or the broker does not answer within 30 s
   */
  public static int partitions(Admin admin, String topic) {
    try {
      return admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(30, TimeUnit.SECONDS)
          .get(topic)
          .partitions()
          .size();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot describe topic " + topic + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("cannot describe topic " + topic + ": no answer in 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topic " + topic, e);
    }
  }

  /**
   * An admin client for {@code bootstrapServers} with {@code extra} settings (security, client id).
   */
  public static Admin admin(String bootstrapServers, Map<String, Object> extra) {
    Map<String, Object> config = new java.util.HashMap<>(extra);
    config.put("bootstrap.servers", requireNonNull(bootstrapServers, "bootstrapServers"));
    return Admin.create(config);
  }
}
