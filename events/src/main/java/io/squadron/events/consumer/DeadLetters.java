package io.squadron.events.consumer;

import io.squadron.events.EventHeaders;
import io.squadron.events.EventTopics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Sends poison records, unchanged, to {@code <topic>.dlt} with headers saying why. */
final class DeadLetters {
  /** Why a record was dead-lettered. */
  enum Reason {
    /** Not a well-formed event envelope, or a payload that does not parse as its type. */
    MALFORMED,
    /** The handler threw {@link NonRetryableEventException}. */
    NON_RETRYABLE,
    /** The handler failed on every attempt. */
    HANDLER_FAILED
  }

  private final KafkaProducer<byte[], byte[]> producer;
  private final String group;

  DeadLetters(KafkaProducer<byte[], byte[]> producer, String group) {
    this.producer = producer;
    this.group = group;
  }

  /**
   * Sends {@code record} to its dead-letter topic and waits for the acknowledgement (up to 30 s).
   */
  void send(
      ConsumerRecord<byte[], byte[]> record, Reason reason, String error, int attempts, Instant now)
      throws Exception {
    RecordHeaders headers = new RecordHeaders();
    for (Header h : record.headers()) {
      if (!h.key().startsWith("squadron.dlt.")) {
        headers.add(h);
      }
    }
    add(headers, EventHeaders.DLT_REASON, reason.name());
    add(headers, EventHeaders.DLT_ERROR, error);
    add(headers, EventHeaders.DLT_ORIGINAL_TOPIC, record.topic());
    add(headers, EventHeaders.DLT_ORIGINAL_PARTITION, Integer.toString(record.partition()));
    add(headers, EventHeaders.DLT_ORIGINAL_OFFSET, Long.toString(record.offset()));
    add(headers, EventHeaders.DLT_CONSUMER_GROUP, group);
    add(headers, EventHeaders.DLT_ATTEMPTS, Integer.toString(attempts));
    add(headers, EventHeaders.DLT_FAILED_AT, now.toString());
    producer
        .send(
            new ProducerRecord<>(
                EventTopics.deadLetterTopic(record.topic()),
                null,
                record.key(),
                record.value(),
                headers))
        .get(30, TimeUnit.SECONDS);
  }

  private static void add(RecordHeaders headers, String key, String value) {
    headers.add(key, value.getBytes(StandardCharsets.UTF_8));
  }
}
