package io.squadron.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A Kafka topic prefix of the test class's own, on a real broker. Kafka has no namespaces: tests
 * keep apart by naming every topic and consumer group through {@link #topic(String)} and {@link
 * #group(String)} (or creating topics with {@link #createTopic(String, int)}, which prefixes for
 * you).
 *
 * <pre>
 * &#64;RegisterExtension
 * static final KafkaExtension KAFKA = KafkaExtension.perClass();
 * ...
 * String orders = KAFKA.createTopic("orders", 3);          // t_ordertest_1a2b3c4d.orders, 3 partitions
 * KAFKA.producer().send(new ProducerRecord&lt;&gt;(orders, key, value)).get();
 * List&lt;ConsumerRecord&lt;byte[], byte[]&gt;&gt; all = KAFKA.readAll(orders);
 * </pre>
 *
 * <p>{@link #perClass()} shares the test JVM's broker ({@code SQUADRON_KAFKA} if set, else one
 * started on first use); {@link #ownServer()} starts a private broker for fault tests, whose {@link
 * #server()} can be stopped, killed, restarted (same port and data), paused and resumed.
 */
public final class KafkaExtension extends StoreExtension<KafkaStore> {
  private String prefix;
  private Admin admin;
  private KafkaProducer<byte[], byte[]> producer;
  private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();

  private KafkaExtension(boolean ownServer) {
    super(KafkaStore.class, ownServer);
  }

  /** A topic prefix of the class's own on the test JVM's shared broker. */
  public static KafkaExtension perClass() {
    return new KafkaExtension(false);
  }

  /**
   * A topic prefix on a private local broker, stopped after the class; its fault controls are
   * {@link #server()}.
   */
  public static KafkaExtension ownServer() {
    return new KafkaExtension(true);
  }

  @Override
  KafkaStore startShared() {
    return KafkaStore.shared(System.getenv());
  }

  @Override
  KafkaStore startOwn() {
    return KafkaStore.localProcess();
  }

  @Override
  void setUp(KafkaStore store, String name) {
    prefix = name + ".";
    store.reserve(prefix);
  }

  @Override
  synchronized void tearDown() {
    for (AutoCloseable client : clients) {
      try {
        client.close();
      } catch (Exception e) {
        // a client of a stopped broker may fail to close cleanly; nothing is left behind in this
        // JVM
      }
    }
    clients.clear();
    admin = null;
    producer = null;
  }

  /** The broker's {@code bootstrap.servers} (the {@code SQUADRON_KAFKA} format). */
  public String bootstrapServers() {
    return store().bootstrapServers();
  }

  /**
   * {@code bootstrap.servers} for a client of the broker, to extend with the client's own settings.
   */
  public Map<String, Object> clientProperties() {
    return store().clientProperties();
  }

  /** The class's prefix for topics and consumer groups, e.g. {@code t_ordertest_1a2b3c4d.}. */
  public String prefix() {
    store();
    return prefix;
  }

  /** {@code name} under the class's prefix: the topic name to use. */
  public String topic(String name) {
    return prefix() + name;
  }

  /** {@code name} under the class's prefix: the consumer group id to use. */
  public String group(String name) {
    return prefix() + name;
  }

  /** An admin client of the broker, made on first use and closed after the class. */
  public synchronized Admin admin() {
    store();
    if (admin == null) {
      admin = Admin.create(clientProperties());
      clients.add(admin);
    }
    return admin;
  }

  /**
   * Creates the topic {@link #topic(String) topic(name)} with {@code partitions} partitions
   * (replication factor 1) and waits until it exists.
   *
   * @return the full topic name
   */
  public String createTopic(String name, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions: " + partitions + " (expected: >= 1)");
    }
    String topic = topic(name);
    try {
      admin()
          .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
          .all()
          .get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + topic, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot create topic " + topic + " on " + bootstrapServers(), e);
    }
    return topic;
  }

  /**
   * An idempotent producer of raw bytes ({@code acks=all}), made on first use, shared by the
   * class's tests and closed after the class.
   */
  public synchronized KafkaProducer<byte[], byte[]> producer() {
    store();
    if (producer == null) {
      producer = newProducer(Map.of());
    }
    return producer;
  }

  /**
   * A new byte-array producer with these settings over the defaults of {@link #producer()}; closed
   * after the class.
   */
  public KafkaProducer<byte[], byte[]> newProducer(Map<String, Object> overrides) {
    Map<String, Object> config = new HashMap<>(clientProperties());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.putAll(overrides);
    KafkaProducer<byte[], byte[]> created =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    clients.add(created);
    return created;
  }

  /**
   * A new byte-array consumer in the group {@link #group(String) group(groupName)}, reading from
   * the earliest offset when the group has none, auto-commit off; closed after the class if the
   * test does not close it.
   */
  public KafkaConsumer<byte[], byte[]> newConsumer(String groupName) {
    Map<String, Object> config = new HashMap<>(clientProperties());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group(groupName));
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<byte[], byte[]> created =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    clients.add(created);
    return created;
  }

  /**
   * Every record in {@code topic} (a full name) up to its current end, in partition then offset
   * order.
   */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    return readAll(topic, Duration.ofSeconds(30));
  }

  /**
   * Every record in {@code topic} (a full name) up to the end offsets it has when called, in
   * partition then offset order, reading without a consumer group.
   *
   * @throws IllegalStateException if the end is not reached within {@code timeout}
   */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, Duration timeout) {
    Map<String, Object> config = new HashMap<>(clientProperties());
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, timeout).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .sorted(java.util.Comparator.comparingInt(TopicPartition::partition))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topic + " to its end " + end + " in " + timeout);
        }
        consumer.poll(Duration.ofMillis(100)).forEach(records::add);
      }
    }
    records.sort(
        java.util.Comparator.<ConsumerRecord<byte[], byte[]>>comparingInt(ConsumerRecord::partition)
            .thenComparingLong(ConsumerRecord::offset));
    return records;
  }
}
