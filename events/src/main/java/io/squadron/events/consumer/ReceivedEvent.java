package io.squadron.events.consumer;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * An event as a handler gets it: the message and its envelope (id, key, producer, when it occurred)
 * and where it was read from.
 *
 * @param <T> the event message type
 * @param eventId the event's unique id (the deduplication key)
 * @param type the full protobuf type name
 * @param key the partition key (what the event is about)
 * @param occurredAt when the producing transaction made the state change
 * @param producer the producing service
 * @param correlationId the request or flow the event belongs to, if the producer set one
 * @param topic the topic it was read from
 * @param partition the partition
 * @param offset the offset
 * @param payload the event message
 */
public record ReceivedEvent<T extends Message>(
    UUID eventId,
    String type,
    String key,
    Instant occurredAt,
    String producer,
    Optional<String> correlationId,
    String topic,
    int partition,
    long offset,
    T payload) {
  /** Validates. */
  public ReceivedEvent {
    requireNonNull(eventId, "eventId");
    requireNonNull(type, "type");
    requireNonNull(key, "key");
    requireNonNull(occurredAt, "occurredAt");
    requireNonNull(producer, "producer");
    requireNonNull(correlationId, "correlationId");
    requireNonNull(topic, "topic");
    requireNonNull(payload, "payload");
  }

  @Override
  public String toString() {
    // No key or payload: they may be personal data.
    return "ReceivedEvent{"
        + type
        + " "
        + eventId
        + " from "
        + topic
        + "-"
        + partition
        + "@"
        + offset
        + "}";
  }
}
