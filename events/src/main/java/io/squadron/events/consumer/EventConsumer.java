package io.squadron.events.consumer;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Internal;
import com.google.protobuf.Message;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squadron.events.EventTopics;
import io.squadron.events.consumer.ConsumerMetrics.Outcome;
import io.squadron.events.internal.Backoff;
import io.squadron.events.internal.Envelopes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Consumes events from Kafka and applies each one exactly once per consumer group, inside a
 * PostgreSQL transaction of the service's own.
 *
 * <pre>{@code
 * EventConsumer consumer = EventConsumer.builder("checkout", dataSource, bootstrapServers)
 *     .topic("billing.payments")
 *     .on(PaymentSucceeded.class, (event, tx) -> sessions.complete(tx, event.payload().getCheckoutSessionId()))
 *     .on(PaymentFailed.class, (event, tx) -> sessions.fail(tx, event.payload().getCheckoutSessionId()))
 *     .meterRegistry(registry)
 *     .build()
 *     .start();
 * ...
 * consumer.close();
 * }</pre>
 *
 * <p>How a poll's records are applied:
 *
 * <ol>
 *   <li>Each record is parsed; one that is not a well-formed event envelope (or whose payload does
 *       not parse as its type) goes to {@code <topic>.dlt} at once. Types without a handler are
 *       skipped.
 *   <li>In one transaction: the event ids are inserted into {@code squadron_processed_event}
 *       (consumer group, event id); ids already there are duplicates and skipped; each new event's
 *       handler runs with the transaction's connection; commit.
 *   <li>If that transaction fails, the events are applied one per transaction: a failing handler is
 *       retried with exponential backoff; after {@code maxAttempts} failures (or at once for {@link
 *       NonRetryableEventException}) the record goes to the dead-letter topic with headers naming
 *       the error and its original topic, partition and offset, and is recorded as processed, so
 *       the partition keeps moving. Failures that say the database is unavailable are retried
 *       without limit instead.
 *   <li>Only then are the offsets committed. A crash before that commit redelivers the records;
 *       their ids are already recorded, so nothing is applied twice.
 * </ol>
 *
 * <p>Events of one partition are applied in offset order, so events with the same key in the order
 * they were published. {@code concurrency(n)} runs n consumers of the group in this process, each
 * on its own partitions.
 */
public final class EventConsumer implements AutoCloseable {
  /** Handler attempts before an event is dead-lettered. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;

  /** Records per poll, and so at most per transaction. */
  public static final int DEFAULT_MAX_POLL_RECORDS = 500;

  /** How long processed-event records are kept (duplicates older than this are applied again). */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

  /** What the workers share. */
  record Settings(
      String group,
      DataSource dataSource,
      List<String> topics,
      Map<String, TypedHandler<?>> handlers,
      int maxAttempts,
      Backoff backoff,
      Duration retention,
      Duration cleanupInterval,
      Duration pollTimeout,
      Clock clock) {}

  /**
   * Totals since start over all topics: what became of the records consumed.
   *
   * @param applied events whose handler committed
   * @param duplicates events skipped because their id was already processed
   * @param ignored records of types without a handler
   * @param deadLettered records sent to a dead-letter topic
   */
  public record Stats(long applied, long duplicates, long ignored, long deadLettered) {}

  private final Settings settings;
  private final Map<String, Object> consumerConfig;
  private final Map<String, Object> producerConfig;
  private final Map<String, Object> adminConfig;
  private final int concurrency;
  private final boolean createDeadLetterTopics;
  private final ConsumerMetrics metrics;
  private final Object lifecycle = new Object();
  private final List<ConsumerWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private KafkaProducer<byte[], byte[]> deadLetterProducer;
  private boolean started;

  private EventConsumer(Builder b) {
    this.settings =
        new Settings(
            b.group,
            b.dataSource,
            List.copyOf(b.topics),
            Map.copyOf(b.handlers),
            b.maxAttempts,
            b.backoff,
            b.retention,
            b.cleanupInterval,
            b.pollTimeout,
            b.clock);
    this.concurrency = b.concurrency;
    this.createDeadLetterTopics = b.createDeadLetterTopics;
    this.metrics = new ConsumerMetrics(b.registry, b.group, b.topics);

    Map<String, Object> common = new HashMap<>(b.kafkaProperties);
    common.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
    this.adminConfig = Map.copyOf(common);

    Map<String, Object> consumer = new HashMap<>();
    consumer.put(ConsumerConfig.GROUP_ID_CONFIG, b.group);
    consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumer.put(
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, b.startFromLatest ? "latest" : "earliest");
    consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, b.maxPollRecords);
    // The consumer group protocol of KIP-848 (Kafka 4): rebalances without stopping every member.
    consumer.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    // Fewer, fuller fetches (the broker answers at 16 KiB or after 50 ms): a busy topic costs the
    // broker and this
    // process far less CPU per event, an idle one adds at most 50 ms.
    consumer.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 16 * 1024);
    consumer.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    consumer.putAll(b.kafkaProperties);
    consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
    this.consumerConfig = Map.copyOf(consumer);

    Map<String, Object> producer = new HashMap<>();
    producer.put(ProducerConfig.CLIENT_ID_CONFIG, "squadron-dlt-" + b.group);
    producer.put(ProducerConfig.ACKS_CONFIG, "all");
    producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producer.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    producer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    producer.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    producer.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000);
    for (Map.Entry<String, Object> e : b.kafkaProperties.entrySet()) {
      if (ProducerConfig.configNames().contains(e.getKey())) {
        producer.put(e.getKey(), e.getValue());
      }
    }
    producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
    this.producerConfig = Map.copyOf(producer);
  }

  /**
   * A builder for a consumer in the group {@code group} (also the namespace of its processed-event
   * records: two services must not share a group), applying events in transactions on {@code
   * dataSource} (a pool with at least {@code concurrency} connections), reading from the Kafka
   * cluster at {@code bootstrapServers}.
   */
  public static Builder builder(String group, DataSource dataSource, String bootstrapServers) {
    return new Builder(group, dataSource, bootstrapServers);
  }

  /**
   * Creates the dead-letter topics (unless turned off), then starts the consumer threads.
   *
   * @return this
   * @throws IllegalStateException if a subscribed topic does not exist, the broker does not answer,
   *     or when started twice
   */
  public EventConsumer start() {
    synchronized (lifecycle) {
      if (started) {
        throw new IllegalStateException("consumer " + settings.group() + " already started");
      }
      started = true;
      if (createDeadLetterTopics) {
        try (Admin admin = Admin.create(adminConfig)) {
          for (String topic : settings.topics()) {
            EventTopics.ensure(
                admin, EventTopics.deadLetterTopic(topic), EventTopics.partitions(admin, topic));
          }
        }
      }
      deadLetterProducer =
          new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
      DeadLetters deadLetters = new DeadLetters(deadLetterProducer, settings.group());
      for (int i = 0; i < concurrency; i++) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.putIfAbsent(
            ConsumerConfig.CLIENT_ID_CONFIG, "squadron-consumer-" + settings.group() + "-" + i);
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ConsumerWorker worker =
            new ConsumerWorker(settings, consumer, deadLetters, metrics, i == 0);
        Thread thread =
            new Thread(worker, "squadron-events-consumer-" + settings.group() + "-" + i);
        thread.setDaemon(true);
        workers.add(worker);
        threads.add(thread);
      }
      threads.forEach(Thread::start);
      return this;
    }
  }

  /** What became of the records consumed since start, over all topics. */
  public Stats stats() {
    long applied = 0;
    long duplicates = 0;
    long ignored = 0;
    long deadLettered = 0;
    for (String topic : settings.topics()) {
      applied += metrics.count(topic, Outcome.APPLIED);
      duplicates += metrics.count(topic, Outcome.DUPLICATE);
      ignored += metrics.count(topic, Outcome.IGNORED);
      deadLettered += metrics.count(topic, Outcome.DEAD_LETTERED);
    }
    return new Stats(applied, duplicates, ignored, deadLettered);
  }

  /**
   * Stops the threads (a batch in progress is abandoned uncommitted and will be redelivered, its
   * applied events then skipped as duplicates), leaves the group and closes the clients. Waits up
   * to 30 s. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      workers.forEach(ConsumerWorker::stop);
      for (Thread t : threads) {
        try {
          t.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      workers.clear();
      threads.clear();
      if (deadLetterProducer != null) {
        deadLetterProducer.close(Duration.ofSeconds(5));
        deadLetterProducer = null;
      }
    }
  }

  /** Settings of an {@link EventConsumer}. */
  public static final class Builder {
    private final String group;
    private final DataSource dataSource;
    private final String bootstrapServers;
    private final Set<String> topics = new LinkedHashSet<>();
    private final Map<String, TypedHandler<?>> handlers = new HashMap<>();
    private int concurrency = 1;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int maxPollRecords = DEFAULT_MAX_POLL_RECORDS;
    private Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
    private Duration retention = DEFAULT_RETENTION;
    private Duration cleanupInterval = Duration.ofMinutes(10);
    private Duration pollTimeout = Duration.ofMillis(500);
    private boolean createDeadLetterTopics = true;
    private boolean startFromLatest;
    private Clock clock = Clock.systemUTC();
    private MeterRegistry registry = new SimpleMeterRegistry();
    private final Map<String, Object> kafkaProperties = new HashMap<>();

    private Builder(String group, DataSource dataSource, String bootstrapServers) {
      requireNonNull(group, "group");
      if (!group.matches("[a-zA-Z0-9._-]{1,200}")) {
        throw new IllegalArgumentException(
            "group: '" + group + "' (expected: 1-200 of [a-zA-Z0-9._-])");
      }
      this.group = group;
      this.dataSource = requireNonNull(dataSource, "dataSource");
      requireNonNull(bootstrapServers, "bootstrapServers");
      if (bootstrapServers.isBlank()) {
        throw new IllegalArgumentException(
            "bootstrapServers: '' (expected: host:port[,host:port...])");
      }
      this.bootstrapServers = bootstrapServers;
    }

    /** Subscribes to {@code topic} (an existing topic; see {@link EventTopics#ensure}). */
    public Builder topic(String topic) {
      requireNonNull(topic, "topic");
      if (!Envelopes.legalTopic(topic)) {
        throw new IllegalArgumentException(
            "topic: '" + topic + "' (expected: 1-249 of [a-zA-Z0-9._-])");
      }
      if (topic.endsWith(EventTopics.DEAD_LETTER_SUFFIX)) {
        throw new IllegalArgumentException(
            "topic: "
                + topic
                + " (expected: not a dead-letter topic; reading those"
                + " back is a tool's job, not a consumer's)");
      }
      topics.add(topic);
      return this;
    }

    /** Applies events of {@code type} with {@code handler}, one at a time; one handler per type. */
    public <T extends Message> Builder on(Class<T> type, EventHandler<T> handler) {
      requireNonNull(type, "type");
      requireNonNull(handler, "handler");
      return register("on", type, TypedHandler.perEvent(type, handler));
    }

    /**
     * Applies events of {@code type} with {@code handler}, the events of one poll in one call (see
     * {@link BatchEventHandler}); one handler per type.
     */
    public <T extends Message> Builder onBatch(Class<T> type, BatchEventHandler<T> handler) {
      requireNonNull(type, "type");
      requireNonNull(handler, "handler");
      return register("onBatch", type, TypedHandler.batched(type, handler));
    }

    private Builder register(String method, Class<? extends Message> type, TypedHandler<?> h) {
      String name = Internal.getDefaultInstance(type).getDescriptorForType().getFullName();
      if (handlers.putIfAbsent(name, h) != null) {
        throw new IllegalArgumentException(
            method + ": a handler for " + name + " is already registered");
      }
      return this;
    }

    /**
     * Consumer threads in this process (default 1); more than the topics' partitions leaves some
     * idle.
     */
    public Builder concurrency(int concurrency) {
      if (concurrency < 1 || concurrency > 64) {
        throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: 1..64)");
      }
      this.concurrency = concurrency;
      return this;
    }

    /** Handler attempts before an event is dead-lettered (default 5). */
    public Builder maxAttempts(int maxAttempts) {
      if (maxAttempts < 1 || maxAttempts > 100) {
        throw new IllegalArgumentException("maxAttempts: " + maxAttempts + " (expected: 1..100)");
      }
      this.maxAttempts = maxAttempts;
      return this;
    }

    /** Records per poll and so at most per transaction (default 500). */
    public Builder maxPollRecords(int maxPollRecords) {
      if (maxPollRecords < 1 || maxPollRecords > 10_000) {
        throw new IllegalArgumentException(
            "maxPollRecords: " + maxPollRecords + " (expected: 1..10000)");
      }
      this.maxPollRecords = maxPollRecords;
      return this;
    }

    /** Backoff between attempts (default 100 ms doubling to 10 s, with jitter). */
    public Builder backoff(Duration initial, Duration max) {
      this.backoff = new Backoff(initial, max);
      return this;
    }

    /**
     * How long processed-event records are kept (default 7 days): a copy of an event redelivered
     * later than this would be applied again. Keep it well above the longest a relay or consumer
     * can be down.
     */
    public Builder retention(Duration retention) {
      requireNonNull(retention, "retention");
      if (retention.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("retention: " + retention + " (expected: >= 1 min)");
      }
      this.retention = retention;
      return this;
    }

    /** How long a poll waits for records (default 500 ms). */
    public Builder pollTimeout(Duration pollTimeout) {
      requireNonNull(pollTimeout, "pollTimeout");
      if (pollTimeout.isNegative() || pollTimeout.isZero()) {
        throw new IllegalArgumentException("pollTimeout: " + pollTimeout + " (expected: > 0)");
      }
      this.pollTimeout = pollTimeout;
      return this;
    }

    /**
     * Whether {@link #start()} creates {@code <topic>.dlt} for every subscribed topic, with its
     * partition count (default true; turn off where topics are managed elsewhere and the consumer
     * has no admin rights).
     */
    public Builder createDeadLetterTopics(boolean create) {
      this.createDeadLetterTopics = create;
      return this;
    }

    /**
     * Where a group without committed offsets starts: false (default) reads every event still in
     * the topic; true only those published from now on.
     */
    public Builder startFromLatest(boolean latest) {
      this.startFromLatest = latest;
      return this;
    }

    /**
     * The clock for the end-to-end latency metric and the retention cut-off (default the system
     * clock, UTC).
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Where the consumer's meters go (default a private registry nobody reads). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * A Kafka client setting (security, tuning), for the consumers and, where it is a producer
     * setting too, the dead-letter producer. Offsets are always committed by the library.
     */
    public Builder kafkaProperty(String key, Object value) {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
      if (key.equals(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)
          || key.equals(ConsumerConfig.GROUP_ID_CONFIG)
          || key.equals(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
        throw new IllegalArgumentException(
            "kafkaProperty: "
                + key
                + " (expected: not enable.auto.commit, group.id"
                + " or bootstrap.servers, which the consumer sets)");
      }
      kafkaProperties.put(key, value);
      return this;
    }

    /** Test hook: how often the processed-event records are pruned (default 10 min). */
    Builder cleanupInterval(Duration interval) {
      this.cleanupInterval = requireNonNull(interval, "interval");
      return this;
    }

    /**
     * A consumer with these settings, not yet started.
     *
     * @throws IllegalStateException without a topic or a handler
     */
    public EventConsumer build() {
      if (topics.isEmpty()) {
        throw new IllegalStateException(
            "consumer " + group + ": no topic (expected: at least one topic(...))");
      }
      if (handlers.isEmpty()) {
        throw new IllegalStateException(
            "consumer " + group + ": no handler (expected: at least one on(...))");
      }
      return new EventConsumer(this);
    }
  }
}
