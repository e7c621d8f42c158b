package io.squadron.events.consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.squadron.events.consumer.ConsumerMetrics.Outcome;
import io.squadron.events.consumer.DeadLetters.Reason;
import io.squadron.events.internal.Backoff;
import io.squadron.events.internal.Envelopes;
import io.squadron.events.internal.MalformedEventException;
import io.squadron.proto.events.v1.EventEnvelope;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.random.RandomGenerator;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer thread: poll, apply the polled events in one database transaction (falling back to
 * one transaction per event, with retries, when that fails), commit the offsets, repeat.
 */
final class ConsumerWorker implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ConsumerWorker.class);
  private static final int DELETE_CHUNK = 5_000;
  private static final int ERROR_TEXT_MAX = 1_000;

  private final EventConsumer.Settings settings;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final DeadLetters deadLetters;
  private final ConsumerMetrics metrics;
  private final boolean housekeeper;
  private final RandomGenerator random = RandomGenerator.getDefault();
  private volatile boolean running = true;
  private long nextCleanup = System.nanoTime();

  /** Thrown when the consumer is closing in the middle of a batch: nothing more is committed. */
  private static final class Stopped extends Exception {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("consumer closing", null, false, false);
    }
  }

  /**
   * A record to act on: an event with a handler, its envelope and payload; or a malformed record
   * ({@code malformed} says what is wrong), to dead-letter in its place in the partition's order.
   */
  private record Item(
      ConsumerRecord<byte[], byte[]> record,
      EventEnvelope envelope,
      UUID eventId,
      TypedHandler<?> handler,
      Message payload,
      String malformed) {
    static Item malformed(ConsumerRecord<byte[], byte[]> record, String what) {
      return new Item(record, null, null, null, null, what);
    }

    boolean isEvent() {
      return malformed == null;
    }

    ReceivedEvent<?> received() {
      return handler.received(
          envelope, payload, record.topic(), record.partition(), record.offset());
    }

    TopicPartition partition() {
      return new TopicPartition(record.topic(), record.partition());
    }

    ProcessedEvents.Entry entry() {
      return new ProcessedEvents.Entry(
          eventId, record.topic(), record.partition(), record.offset());
    }
  }

  ConsumerWorker(
      EventConsumer.Settings settings,
      KafkaConsumer<byte[], byte[]> consumer,
      DeadLetters deadLetters,
      ConsumerMetrics metrics,
      boolean housekeeper) {
    this.settings = settings;
    this.consumer = consumer;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.housekeeper = housekeeper;
  }

  /**
   * Asks the thread to stop: the batch in progress is abandoned uncommitted (it will be
   * redelivered).
   */
  void stop() {
    running = false;
    consumer.wakeup();
  }

  @Override
  public void run() {
    int failures = 0;
    try {
      consumer.subscribe(
          settings.topics(),
          new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
              metrics.forget(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {}

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
              metrics.forget(partitions);
            }
          });
      while (running) {
        ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
        try {
          records = consumer.poll(settings.pollTimeout());
          updateLag();
          if (!records.isEmpty()) {
            process(records);
          }
          housekeeping();
          failures = 0;
        } catch (Stopped | WakeupException e) {
          break;
        } catch (RuntimeException e) {
          failures++;
          if (!running) {
            break;
          }
          log.warn(
              "Consumer {}: round failed ({} in a row), retrying: {}",
              settings.group(),
              failures,
              e.toString());
          rewind(records);
          if (!Backoff.sleep(
              settings.backoff().delay(Math.min(failures, 30), random), () -> running)) {
            break;
          }
        }
      }
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.debug("Closing the Kafka consumer of {} failed", settings.group(), e);
      }
    }
  }

  private void process(ConsumerRecords<byte[], byte[]> records) throws Stopped {
    long started = System.nanoTime();
    Map<TopicPartition, Long> stopAt = new HashMap<>();
    List<Item> items = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> record : records) {
      EventEnvelope envelope;
      try {
        envelope = Envelopes.parse(record.value());
      } catch (MalformedEventException e) {
        items.add(Item.malformed(record, e.getMessage()));
        continue;
      }
      TypedHandler<?> handler = settings.handlers().get(envelope.getType());
      if (handler == null) {
        metrics.count(record.topic(), Outcome.IGNORED, 1);
        continue;
      }
      Message payload;
      try {
        payload = handler.unpack(envelope);
      } catch (InvalidProtocolBufferException e) {
        items.add(Item.malformed(record, "payload does not parse as " + envelope.getType()));
        continue;
      }
      items.add(
          new Item(
              record, envelope, UUID.fromString(envelope.getEventId()), handler, payload, null));
    }
    if (!items.isEmpty()) {
      if (applyBatch(items)) {
        for (Item item : items) {
          if (!item.isEvent()) {
            deadLetter(item.record(), Reason.MALFORMED, item.malformed(), 0, null);
          }
        }
      } else {
        applyOneByOne(items, stopAt);
      }
    }
    metrics.handled(Duration.ofNanos(System.nanoTime() - started));
    commit(records, stopAt);
  }

  /** All items in one transaction; false (rolled back) if anything failed. */
  private boolean applyBatch(List<Item> items) {
    boolean[] applied = new boolean[items.size()];
    try (Connection tx = settings.dataSource().getConnection()) {
      tx.setAutoCommit(false);
      try {
        List<ProcessedEvents.Entry> entries = new ArrayList<>(items.size());
        items.stream().filter(Item::isEvent).forEach(item -> entries.add(item.entry()));
        Set<UUID> fresh =
            entries.isEmpty()
                ? Set.of()
                : ProcessedEvents.record(tx, settings.group(), ProcessedEvents.APPLIED, entries);
        // Consecutive events of one type go to their handler in one call; a change of type ends
        // the run, so events are applied in the order they were read.
        List<ReceivedEvent<?>> run = new ArrayList<>();
        TypedHandler<?> runHandler = null;
        for (int i = 0; i < items.size(); i++) {
          Item item = items.get(i);
          // A second copy in the same batch is a duplicate: fresh holds each id once.
          if (item.isEvent() && fresh.remove(item.eventId())) {
            if (item.handler() != runHandler && !run.isEmpty()) {
              runHandler.handle(run, tx);
              run.clear();
            }
            runHandler = item.handler();
            run.add(item.received());
            applied[i] = true;
          }
        }
        if (!run.isEmpty()) {
          runHandler.handle(run, tx);
        }
        tx.commit();
      } catch (Exception e) {
        rollback(tx);
        log.debug(
            "Consumer {}: batch of {} failed, applying one by one",
            settings.group(),
            items.size(),
            e);
        return false;
      }
    } catch (SQLException e) {
      log.debug("Consumer {}: no database connection for a batch", settings.group(), e);
      return false;
    }
    Instant now = settings.clock().instant();
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      if (applied[i]) {
        metrics.count(item.record().topic(), Outcome.APPLIED, 1);
        metrics.endToEnd(
            item.record().topic(), Duration.between(Envelopes.occurredAt(item.envelope()), now));
      } else if (item.isEvent()) {
        metrics.count(item.record().topic(), Outcome.DUPLICATE, 1);
      }
    }
    return true;
  }

  private void applyOneByOne(List<Item> items, Map<TopicPartition, Long> stopAt) throws Stopped {
    for (Item item : items) {
      if (stopAt.containsKey(item.partition())) {
        continue; // the partition went to another consumer: it resumes from the first record not
        // done
      }
      if (!item.isEvent()) {
        deadLetter(item.record(), Reason.MALFORMED, item.malformed(), 0, null);
        continue;
      }
      int attempts = 0;
      int environmental = 0;
      while (true) {
        if (!running) {
          throw new Stopped();
        }
        Exception failure;
        try {
          applyOne(item);
          break;
        } catch (Exception e) {
          failure = e;
        }
        if (causedBy(failure, NonRetryableEventException.class)) {
          deadLetter(
              item.record(),
              Reason.NON_RETRYABLE,
              Failures.describe(failure, ERROR_TEXT_MAX),
              attempts + 1,
              item);
          break;
        }
        Duration delay;
        if (Failures.environmental(failure)) {
          environmental++;
          if (environmental == 1 || environmental % 20 == 0) {
            log.warn(
                "Consumer {}: database unavailable for event {} ({} tries), retrying: {}",
                settings.group(),
                item.eventId(),
                environmental,
                failure.getClass().getName());
          }
          delay = settings.backoff().delay(Math.min(environmental, 30), random);
        } else {
          attempts++;
          if (attempts >= settings.maxAttempts()) {
            deadLetter(
                item.record(),
                Reason.HANDLER_FAILED,
                Failures.describe(failure, ERROR_TEXT_MAX),
                attempts,
                item);
            break;
          }
          log.warn(
              "Consumer {}: handler for {} event {} failed (attempt {} of {}): {}",
              settings.group(),
              item.envelope().getType(),
              item.eventId(),
              attempts,
              settings.maxAttempts(),
              failure.getClass().getName());
          log.debug("Consumer {}: handler failure", settings.group(), failure);
          delay = settings.backoff().delay(attempts, random);
        }
        metrics.retry(item.record().topic());
        pause(delay);
        if (!consumer.assignment().contains(item.partition())) {
          stopAt.put(item.partition(), item.record().offset());
          break;
        }
      }
    }
  }

  /** One item in its own transaction. */
  private void applyOne(Item item) throws Exception {
    boolean applied;
    try (Connection tx = settings.dataSource().getConnection()) {
      tx.setAutoCommit(false);
      try {
        applied =
            !ProcessedEvents.record(
                    tx, settings.group(), ProcessedEvents.APPLIED, List.of(item.entry()))
                .isEmpty();
        if (applied) {
          handle(item, tx);
        }
        tx.commit();
      } catch (Exception e) {
        rollback(tx);
        throw e;
      }
    }
    String topic = item.record().topic();
    if (applied) {
      metrics.count(topic, Outcome.APPLIED, 1);
      metrics.endToEnd(
          topic,
          Duration.between(Envelopes.occurredAt(item.envelope()), settings.clock().instant()));
    } else {
      metrics.count(topic, Outcome.DUPLICATE, 1);
    }
  }

  private static void handle(Item item, Connection tx) throws Exception {
    item.handler().handle(List.of(item.received()), tx);
  }

  /**
   * Sends {@code record} to the dead-letter topic and, for an event, records it as processed
   * (outcome dead_lettered) so a redelivered copy is skipped. Retries until both are done or the
   * consumer closes.
   */
  private void deadLetter(
      ConsumerRecord<byte[], byte[]> record, Reason reason, String error, int attempts, Item item)
      throws Stopped {
    Instant now = settings.clock().instant();
    retryUntilDone(
        "send to the dead-letter topic",
        () -> deadLetters.send(record, reason, error, attempts, now));
    if (item != null) {
      retryUntilDone(
          "record a dead-lettered event",
          () -> {
            try (Connection tx = settings.dataSource().getConnection()) {
              tx.setAutoCommit(true);
              ProcessedEvents.record(
                  tx, settings.group(), ProcessedEvents.DEAD_LETTERED, List.of(item.entry()));
            }
          });
    }
    metrics.count(record.topic(), Outcome.DEAD_LETTERED, 1);
    log.warn(
        "Consumer {}: record {}-{}@{} (event {}) sent to the dead-letter topic: {} after {} attempts, {}",
        settings.group(),
        record.topic(),
        record.partition(),
        record.offset(),
        item == null ? "unknown" : item.eventId(),
        reason,
        attempts,
        item == null ? error : "see its headers");
  }

  @FunctionalInterface
  private interface Step {
    void run() throws Exception;
  }

  private void retryUntilDone(String what, Step step) throws Stopped {
    for (int failures = 1; ; failures++) {
      if (!running) {
        throw new Stopped();
      }
      try {
        step.run();
        return;
      } catch (Exception e) {
        if (failures == 1 || failures % 20 == 0) {
          log.warn(
              "Consumer {}: cannot {} ({} tries), retrying: {}",
              settings.group(),
              what,
              failures,
              e.toString());
        }
        pause(settings.backoff().delay(Math.min(failures, 30), random));
      }
    }
  }

  /**
   * Waits {@code delay} while staying in the group: the assigned partitions are paused and polled
   * (which also runs rebalance callbacks), so a long retry does not exceed {@code
   * max.poll.interval.ms}.
   */
  private void pause(Duration delay) throws Stopped {
    long deadline = System.nanoTime() + delay.toNanos();
    do {
      long left = deadline - System.nanoTime();
      if (!Backoff.sleep(
          Duration.ofNanos(Math.max(0, Math.min(left, Duration.ofSeconds(1).toNanos()))),
          () -> running)) {
        throw new Stopped();
      }
      keepAlive();
    } while (deadline - System.nanoTime() > 0);
  }

  private void keepAlive() throws Stopped {
    Set<TopicPartition> paused = new HashSet<>(consumer.assignment());
    consumer.pause(paused);
    try {
      ConsumerRecords<byte[], byte[]> stray = consumer.poll(Duration.ZERO);
      // Partitions assigned during that poll were not paused: put their records back.
      for (TopicPartition tp : stray.partitions()) {
        consumer.seek(tp, stray.records(tp).get(0).offset());
      }
    } catch (WakeupException e) {
      throw new Stopped();
    } finally {
      Set<TopicPartition> still = new HashSet<>(consumer.assignment());
      still.retainAll(paused);
      consumer.resume(still);
    }
  }

  private void commit(ConsumerRecords<byte[], byte[]> records, Map<TopicPartition, Long> stopAt) {
    Set<TopicPartition> assigned = consumer.assignment();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      if (!assigned.contains(tp)) {
        continue;
      }
      List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
      offsets.put(
          tp, new OffsetAndMetadata(stopAt.getOrDefault(tp, rs.get(rs.size() - 1).offset() + 1)));
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      try {
        consumer.commitSync(offsets, Duration.ofSeconds(30));
      } catch (WakeupException e) {
        // close() woke the consumer: finish this commit (a wake-up fires once), then the loop ends.
        consumer.commitSync(offsets, Duration.ofSeconds(30));
      }
    } catch (KafkaException e) {
      // Applied and recorded already: a later commit covers these offsets, or after a rebalance or
      // restart the
      // records come again and are skipped as duplicates.
      log.warn(
          "Consumer {}: offset commit failed, a later one covers it: {}",
          settings.group(),
          e.toString());
    }
  }

  /** After a failed round, read the round's records again: nothing of it was committed. */
  private void rewind(ConsumerRecords<byte[], byte[]> records) {
    try {
      Set<TopicPartition> assigned = consumer.assignment();
      for (TopicPartition tp : records.partitions()) {
        if (assigned.contains(tp)) {
          consumer.seek(tp, records.records(tp).get(0).offset());
        }
      }
    } catch (RuntimeException e) {
      log.debug("Consumer {}: rewind failed", settings.group(), e);
    }
  }

  private void updateLag() {
    for (TopicPartition tp : consumer.assignment()) {
      OptionalLong lag = consumer.currentLag(tp);
      if (lag.isPresent()) {
        metrics.lag(tp, lag.getAsLong());
      }
    }
  }

  private void housekeeping() {
    if (!housekeeper || System.nanoTime() - nextCleanup < 0) {
      return;
    }
    nextCleanup = System.nanoTime() + settings.cleanupInterval().toNanos();
    Instant cutoff = settings.clock().instant().minus(settings.retention());
    try (Connection c = settings.dataSource().getConnection()) {
      c.setAutoCommit(true);
      int deleted;
      do {
        deleted = ProcessedEvents.deleteOlderThan(c, settings.group(), cutoff, DELETE_CHUNK);
      } while (deleted == DELETE_CHUNK && running);
    } catch (SQLException e) {
      log.warn(
          "Consumer {}: cannot delete old processed-event records: {}",
          settings.group(),
          e.toString());
    }
  }

  private static void rollback(Connection tx) {
    try {
      tx.rollback();
    } catch (SQLException e) {
      // the connection is broken; the pool discards it
    }
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }
}
