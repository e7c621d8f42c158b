package io.squadron.events.relay;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squadron.events.EventHeaders;
import io.squadron.events.internal.Backoff;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the service's transactional outbox to Kafka, on one thread of its own.
 *
 * <pre>{@code
 * OutboxRelay relay = OutboxRelay.builder(dataSource, bootstrapServers).name("billing")
 *     .meterRegistry(registry).build().start();
 * ...
 * relay.close();
 * }</pre>
 *
 * <p>Each round, in one database transaction: take the outbox's relay lock (a transaction-scoped
 * advisory lock, so of several relays on one database, e.g. one per instance of a service, one at a
 * time works and the others stand by, taking over within {@link Builder#maxIdlePoll} when it
 * stops), read the oldest unsent rows, send them with the idempotent producer ({@code
 * enable.idempotence=true}, {@code acks=all}; the record key is the event key, so a key always
 * lands in one partition, in order), wait for the broker's acknowledgements, mark those rows sent,
 * commit. One relay at a time rather than row locks shared out between relays: row locks cost the
 * database a written tuple lock per event and, to keep order per key across relays, a check per
 * claimed row for an earlier row of its key held by another relay; one relay already publishes
 * thousands of events a second, and Kafka's partitions, not the relays, spread the consumers' work.
 *
 * <p>Guarantees and failure cases:
 *
 * <ul>
 *   <li><b>Nothing is skipped.</b> A round that fails (broker down, database down) rolls back and
 *       is retried with exponential backoff, forever; a row is marked sent only after the broker
 *       acknowledged it.
 *   <li><b>At least once.</b> A relay that dies between the acknowledgement and its commit leaves
 *       the rows unsent: they are published again. Consumers deduplicate by event id ({@link
 *       io.squadron.events.consumer}).
 *   <li><b>In order per key</b>, as appended. If one record of a key fails while later ones of the
 *       key were in flight, the producer is closed at once (aborting what it still holds) and only
 *       the rows before the failure are marked; the rest are published again. A record already
 *       written past the failed one can then reach the topic ahead of the failed one's republished
 *       copy; that takes a send failing for good, i.e. the broker away for longer than {@link
 *       Builder#sendTimeout(Duration) sendTimeout} (2 minutes by default).
 * </ul>
 *
 * <p>Every {@link Builder#housekeepingInterval} it refreshes the backlog gauges and deletes sent
 * rows older than the {@link Builder#retention(Duration) retention} (with a retention of zero, rows
 * are deleted when published instead of being marked sent).
 */
public final class OutboxRelay implements AutoCloseable {
  /** Rows per round. */
  public static final int DEFAULT_BATCH_SIZE = 500;

  /** Pause after a round that found nothing to publish (doubled per empty round, to the max). */
  public static final Duration DEFAULT_IDLE_POLL = Duration.ofMillis(20);

  /**
   * The longest pause between empty rounds: an idle relay asks the database 4 times a second, not
   * 50 (an appender in the same process cuts the pause short with {@link #wakeUp()}).
   */
  public static final Duration DEFAULT_MAX_IDLE_POLL = Duration.ofMillis(250);

  /** How long sent rows are kept. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

  /**
   * How long a send may wait for the broker before the round fails (Kafka's {@code
   * delivery.timeout.ms}).
   */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofMinutes(2);

  /** How often the backlog is counted and old sent rows deleted. */
  public static final Duration DEFAULT_HOUSEKEEPING_INTERVAL = Duration.ofSeconds(5);

  private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
  private static final int DELETE_CHUNK = 5_000;

  private final DataSource dataSource;
  private final Map<String, Object> producerConfig;
  private final String name;
  private final int batchSize;
  private final Duration idlePoll;
  private final Duration maxIdlePoll;
  // A permit says "rows were appended since the last round": the idle pause ends at once.
  private final Semaphore wake = new Semaphore(0);
  private final Duration retention;
  private final Duration sendTimeout;
  private final Duration housekeepingInterval;
  private final Backoff backoff;
  private final Clock clock;
  private final RelayMetrics metrics;
  private final Runnable afterPublish;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private final AtomicLong publishedCount = new AtomicLong();

  private final Object lifecycle = new Object();
  private volatile boolean running;
  private Thread thread;
  private KafkaProducer<byte[], byte[]> producer;
  private long nextHousekeeping;

  private OutboxRelay(Builder b) {
    this.dataSource = b.dataSource;
    this.name = b.name;
    this.batchSize = b.batchSize;
    this.idlePoll = b.idlePoll;
    this.maxIdlePoll = b.maxIdlePoll.compareTo(b.idlePoll) < 0 ? b.idlePoll : b.maxIdlePoll;
    this.retention = b.retention;
    this.sendTimeout = b.sendTimeout;
    this.housekeepingInterval = b.housekeepingInterval;
    this.backoff = b.backoff;
    this.clock = b.clock;
    this.metrics = new RelayMetrics(b.registry, b.name);
    this.afterPublish = b.afterPublish;
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "squadron-relay-" + b.name);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    int requestTimeout = (int) Math.min(30_000, b.sendTimeout.toMillis());
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeout);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) b.sendTimeout.toMillis());
    // send() waits for partition metadata while the broker is away; keep that short so the round
    // fails, backs off
    // and notices close().
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.putAll(b.kafkaProperties);
    this.producerConfig = Map.copyOf(config);
  }

  /**
   * A builder for a relay of the outbox in {@code dataSource} (a pool: the relay borrows a
   * connection per round) to the Kafka cluster at {@code bootstrapServers}.
   */
  public static Builder builder(DataSource dataSource, String bootstrapServers) {
    return new Builder(dataSource, bootstrapServers);
  }

  /**
   * Starts the relay thread.
   *
   * @return this
   * @throws IllegalStateException if started before
   */
  public OutboxRelay start() {
    synchronized (lifecycle) {
      if (thread != null) {
        throw new IllegalStateException("relay " + name + " already started");
      }
      running = true;
      thread = new Thread(this::run, "squadron-outbox-relay-" + name);
      thread.setDaemon(true);
      thread.start();
      return this;
    }
  }

  /**
   * Tells the relay that rows were committed to the outbox: an idle pause ends and the next round
   * starts at once. For appenders in the relay's process, after their transaction commits (without
   * it, an event waits up to {@link Builder#maxIdlePoll} while the relay is idle). Cheap; any
   * thread.
   */
  public void wakeUp() {
    if (wake.availablePermits() == 0) {
      wake.release();
    }
  }

  /**
   * Events published and acknowledged since start (also the {@code squadron.events.relay.published}
   * counter).
   */
  public long published() {
    return publishedCount.get();
  }

  /**
   * Stops the relay: the current round finishes (or fails and rolls back), then the producer is
   * closed. Waits up to the send timeout plus 10 s. Idempotent.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (lifecycle) {
      running = false;
      t = thread;
    }
    wake.release(); // ends an idle pause
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(sendTimeout.plusSeconds(10).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        t.interrupt();
      }
    }
  }

  private void run() {
    int failures = 0;
    int emptyRounds = 0;
    try {
      while (running) {
        try {
          wake.drainPermits(); // this round sees every row committed before it
          int published = relayOnce();
          failures = 0;
          try {
            housekeeping();
          } catch (SQLException e) {
            log.warn(
                "Outbox relay {}: housekeeping failed, retried in {}: {}",
                name,
                housekeepingInterval,
                e.toString());
          }
          if (published == NOT_LEADING) {
            standBy();
          } else if (published == 0) {
            idle(emptyRounds++);
          } else {
            emptyRounds = 0;
          }
        } catch (Exception e) {
          failures++;
          metrics.failure();
          if (failures == 1 || failures % 20 == 0) {
            log.warn(
                "Outbox relay {}: round failed ({} in a row), retrying: {}",
                name,
                failures,
                e.toString());
          }
          closeProducer(Duration.ZERO);
          Backoff.sleep(backoff.delay(Math.min(failures, 30), random), () -> running);
        }
      }
    } finally {
      closeProducer(Duration.ofSeconds(5));
    }
  }

  /**
   * The pause after a round that found another relay at work: {@link Builder#maxIdlePoll}, not cut
   * short by {@link #wakeUp()} (appenders in this process wake it on every commit, and each wake-up
   * would cost the database a round trip only to find the lock taken again); {@link #close()} ends
   * it.
   */
  private void standBy() {
    pause(maxIdlePoll.toNanos(), false);
  }

  /**
   * The pause after the {@code n}-th empty round in a row (from 0): idlePoll doubled n times, at
   * most maxIdlePoll; ended early by {@link #wakeUp()} or {@link #close()}.
   */
  private void idle(int n) {
    long pause = idlePoll.toNanos() << Math.min(n, 20);
    pause(Math.min(pause <= 0 ? Long.MAX_VALUE : pause, maxIdlePoll.toNanos()), true);
  }

  /**
   * Waits {@code nanos}, or less when {@link #close()} is called or, if {@code endOnWakeUp}, when
   * {@link #wakeUp()} is.
   */
  private void pause(long nanos, boolean endOnWakeUp) {
    long deadline = System.nanoTime() + nanos;
    try {
      for (long left = nanos; running && left > 0; left = deadline - System.nanoTime()) {
        if (wake.tryAcquire(left, TimeUnit.NANOSECONDS) && endOnWakeUp) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** What {@link #relayOnce()} returns when another relay's round holds the outbox. */
  private static final int NOT_LEADING = -1;

  /**
   * One round; returns how many rows it marked sent, or {@link #NOT_LEADING} when another relay of
   * this outbox is in a round.
   */
  private int relayOnce() throws SQLException, PublishFailure {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        if (!OutboxRows.lead(c)) {
          c.commit();
          metrics.leading(false);
          return NOT_LEADING;
        }
        metrics.leading(true);
        List<OutboxRow> claimed = OutboxRows.claim(c, batchSize);
        if (claimed.isEmpty()) {
          c.commit();
          return 0;
        }
        Published result = publish(claimed);
        afterPublish.run();
        if (retention.isZero()) {
          OutboxRows.deleteAcked(c, result.acked());
        } else {
          OutboxRows.markSent(c, result.acked());
        }
        c.commit();
        Instant now = clock.instant();
        Map<String, Integer> perTopic = new HashMap<>();
        for (OutboxRow row : result.acked()) {
          perTopic.merge(row.topic(), 1, Integer::sum);
          metrics.outboxDelay(row.createdAt(), now);
        }
        perTopic.forEach(metrics::published);
        publishedCount.addAndGet(result.acked().size());
        if (result.failure() != null) {
          throw result.failure();
        }
        return result.acked().size();
      } catch (SQLException | RuntimeException | PublishFailure e) {
        try {
          c.rollback();
        } catch (SQLException rollbackFailure) {
          e.addSuppressed(rollbackFailure);
        }
        throw e;
      }
    }
  }

  /**
   * The rows acknowledged (those before any failure of their key), and the first failure if any.
   */
  private record Published(List<OutboxRow> acked, PublishFailure failure) {}

  /** A send that failed; the rows of its key from it on stay unsent. */
  static final class PublishFailure extends Exception {
    private static final long serialVersionUID = 1L;

    PublishFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Published publish(List<OutboxRow> rows) {
    if (rows.isEmpty()) {
      return new Published(List.of(), null);
    }
    KafkaProducer<byte[], byte[]> p = producer();
    long started = System.nanoTime();
    List<Future<RecordMetadata>> futures = new ArrayList<>(rows.size());
    PublishFailure failure = null;
    for (OutboxRow row : rows) {
      try {
        futures.add(p.send(record(row)));
      } catch (RuntimeException e) {
        failure = new PublishFailure("cannot send to " + row.topic() + ": " + e, e);
        break; // the rows not sent stay unsent
      }
    }
    long deadline = started + sendTimeout.plusSeconds(5).toNanos();
    List<OutboxRow> acked = new ArrayList<>(futures.size());
    Set<String> failedKeys = new HashSet<>();
    for (int i = 0; i < futures.size(); i++) {
      OutboxRow row = rows.get(i);
      try {
        futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (!failedKeys.contains(row.orderingKey())) {
          acked.add(row);
        }
      } catch (ExecutionException | TimeoutException e) {
        failedKeys.add(row.orderingKey());
        if (failure == null) {
          failure =
              new PublishFailure(
                  "broker did not acknowledge " + row.topic() + ": " + e.getCause(), e);
          // Abort what the producer still holds, so later records of the failed key do not overtake
          // it.
          closeProducer(Duration.ZERO);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failedKeys.add(row.orderingKey());
        if (failure == null) {
          failure = new PublishFailure("interrupted while waiting for the broker", e);
        }
      }
    }
    if (failure == null) {
      metrics.publishLatency(Duration.ofNanos(System.nanoTime() - started));
    }
    return new Published(acked, failure);
  }

  private static ProducerRecord<byte[], byte[]> record(OutboxRow row) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(EventHeaders.EVENT_ID, row.eventId().toString().getBytes(StandardCharsets.UTF_8));
    headers.add(EventHeaders.EVENT_TYPE, row.type().getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(
        row.topic(), null, row.key().getBytes(StandardCharsets.UTF_8), row.envelope(), headers);
  }

  private KafkaProducer<byte[], byte[]> producer() {
    synchronized (lifecycle) {
      if (producer == null) {
        producer =
            new KafkaProducer<>(
                producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
      }
      return producer;
    }
  }

  private void closeProducer(Duration timeout) {
    KafkaProducer<byte[], byte[]> p;
    synchronized (lifecycle) {
      p = producer;
      producer = null;
    }
    if (p != null) {
      try {
        p.close(timeout);
      } catch (RuntimeException e) {
        log.debug("Closing the producer of relay {} failed", name, e);
      }
    }
  }

  private void housekeeping() throws SQLException {
    long now = System.nanoTime();
    if (now - nextHousekeeping < 0) {
      return;
    }
    nextHousekeeping = now + housekeepingInterval.toNanos();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      OutboxRows.Backlog backlog = OutboxRows.backlog(c);
      Instant instant = clock.instant();
      metrics.backlog(
          backlog.rows(),
          backlog.oldest().map(o -> Duration.between(o, instant)).orElse(Duration.ZERO));
      if (retention.isZero()) {
        return; // rows are deleted as they are acknowledged
      }
      Instant cutoff = instant.minus(retention);
      int deleted;
      do {
        deleted = OutboxRows.deleteSent(c, cutoff, DELETE_CHUNK);
        metrics.deleted(deleted);
      } while (deleted == DELETE_CHUNK && running);
    }
  }

  /** Settings of an {@link OutboxRelay}. */
  public static final class Builder {
    private final DataSource dataSource;
    private final String bootstrapServers;
    private String name = "outbox";
    private int batchSize = DEFAULT_BATCH_SIZE;
    private Duration idlePoll = DEFAULT_IDLE_POLL;
    private Duration maxIdlePoll = DEFAULT_MAX_IDLE_POLL;
    private Duration retention = DEFAULT_RETENTION;
    private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;
    private Duration housekeepingInterval = DEFAULT_HOUSEKEEPING_INTERVAL;
    private Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
    private Clock clock = Clock.systemUTC();
    private MeterRegistry registry = new SimpleMeterRegistry();
    private final Map<String, Object> kafkaProperties = new HashMap<>();
    private Runnable afterPublish = () -> {};

    private Builder(DataSource dataSource, String bootstrapServers) {
      this.dataSource = requireNonNull(dataSource, "dataSource");
      requireNonNull(bootstrapServers, "bootstrapServers");
      if (bootstrapServers.isBlank()) {
        throw new IllegalArgumentException(
            "bootstrapServers: '' (expected: host:port[,host:port...])");
      }
      this.bootstrapServers = bootstrapServers;
    }

    /**
     * Names the relay in metrics ({@code relay} tag), its thread and its Kafka client id (default
     * "outbox").
     */
    public Builder name(String name) {
      requireNonNull(name, "name");
      if (!name.matches("[a-zA-Z0-9._-]{1,64}")) {
        throw new IllegalArgumentException(
            "name: '" + name + "' (expected: 1-64 of [a-zA-Z0-9._-])");
      }
      this.name = name;
      return this;
    }

    /** Rows claimed and published per round (default 500). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 10_000) {
        throw new IllegalArgumentException("batchSize: " + batchSize + " (expected: 1..10000)");
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Pause after a round that found nothing (default 20 ms), doubled after each further empty
     * round up to {@link #maxIdlePoll(Duration)}: the added latency of an event when idle, unless
     * its appender calls {@link OutboxRelay#wakeUp()}.
     */
    public Builder idlePoll(Duration idlePoll) {
      this.idlePoll = positive(idlePoll, "idlePoll");
      return this;
    }

    /**
     * The longest pause between empty rounds (default 250 ms; taken as idlePoll when below it).
     * Polling an idle outbox 50 times a second costs its database two round trips each time.
     */
    public Builder maxIdlePoll(Duration maxIdlePoll) {
      this.maxIdlePoll = positive(maxIdlePoll, "maxIdlePoll");
      return this;
    }

    /**
     * How long sent rows are kept before deletion (default 24 h). {@link Duration#ZERO}: a row is
     * deleted in the round that publishes it instead of being marked sent, which saves the database
     * a new row version and its index entries per event (for high-volume outboxes; nothing is then
     * left to look at after the fact).
     */
    public Builder retention(Duration retention) {
      requireNonNull(retention, "retention");
      if (retention.isNegative()) {
        throw new IllegalArgumentException(
            "retention: " + retention + " (expected: >= 0; 0 deletes rows when published)");
      }
      this.retention = retention;
      return this;
    }

    /** How long a send may wait for the broker's acknowledgement (default 2 min; at least 5 s). */
    public Builder sendTimeout(Duration sendTimeout) {
      positive(sendTimeout, "sendTimeout");
      if (sendTimeout.compareTo(Duration.ofSeconds(5)) < 0) {
        throw new IllegalArgumentException("sendTimeout: " + sendTimeout + " (expected: >= 5 s)");
      }
      this.sendTimeout = sendTimeout;
      return this;
    }

    /** How often the backlog is counted and old sent rows deleted (default 5 s). */
    public Builder housekeepingInterval(Duration interval) {
      this.housekeepingInterval = positive(interval, "housekeepingInterval");
      return this;
    }

    /** Backoff between failed rounds (default 100 ms doubling to 5 s). */
    public Builder backoff(Duration initial, Duration max) {
      this.backoff = new Backoff(initial, max);
      return this;
    }

    /**
     * The clock for the delay metrics and the retention cut-off (default the system clock, UTC).
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /** Where the relay's meters go (default a private registry nobody reads). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * A Kafka producer setting (security, client tuning). The delivery guarantees ({@code acks},
     * {@code enable.idempotence}) cannot be weakened here.
     */
    public Builder kafkaProperty(String key, Object value) {
      requireNonNull(key, "key");
      requireNonNull(value, "value");
      if (key.equals(ProducerConfig.ACKS_CONFIG)
          || key.equals(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)
          || key.equals(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
        throw new IllegalArgumentException(
            "kafkaProperty: "
                + key
                + " (expected: not acks, enable.idempotence or "
                + "bootstrap.servers, which the relay sets)");
      }
      kafkaProperties.put(key, value);
      return this;
    }

    /**
     * Test hook: runs after the broker acknowledged a round and before the rows are marked sent.
     */
    Builder afterPublish(Runnable hook) {
      this.afterPublish = requireNonNull(hook, "hook");
      return this;
    }

    /** A relay with these settings, not yet started. */
    public OutboxRelay build() {
      return new OutboxRelay(this);
    }

    private static Duration positive(Duration d, String name) {
      requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
      }
      return d;
    }
  }
}
