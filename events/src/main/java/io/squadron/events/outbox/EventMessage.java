package io.squadron.events.outbox;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Message;
import io.squadron.events.internal.Envelopes;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * An event to publish: the protobuf message, the topic, and the key it is about (its partition key:
 * events with the same key are delivered in the order they were appended). Immutable; {@code
 * with...} methods return copies.
 *
 * <pre>{@code
 * EventMessage.of("billing.payments", payment.id().toString(), PaymentSucceeded.newBuilder()...build())
 *     .withCorrelationId(checkoutSessionId);
 * }</pre>
 */
public final class EventMessage {
  /** The longest key, in UTF-8 bytes. */
  public static final int MAX_KEY_BYTES = 1024;

  private final String topic;
  private final String key;
  private final Message payload;
  private final UUID eventId;
  private final String correlationId;

  private EventMessage(
      String topic, String key, Message payload, UUID eventId, String correlationId) {
    this.topic = topic;
    this.key = key;
    this.payload = payload;
    this.eventId = eventId;
    this.correlationId = correlationId;
  }

  /**
   * An event with a random id.
   *
   * @param topic a legal Kafka topic name, e.g. {@code billing.payments}
   * @param key what the event is about (a payment id, a user id), 1 to {@value #MAX_KEY_BYTES}
   *     UTF-8 bytes; never personal data, it is visible to every consumer and in the broker's
   *     tooling
   * @param payload the event message
   */
  public static EventMessage of(String topic, String key, Message payload) {
    requireNonNull(topic, "topic");
    requireNonNull(key, "key");
    requireNonNull(payload, "payload");
    if (!Envelopes.legalTopic(topic)) {
      throw new IllegalArgumentException(
          "topic: '" + topic + "' (expected: 1-249 of [a-zA-Z0-9._-])");
    }
    int keyBytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (keyBytes == 0 || keyBytes > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key: " + keyBytes + " UTF-8 bytes (expected: 1.." + MAX_KEY_BYTES + ")");
    }
    return new EventMessage(topic, key, payload, UUID.randomUUID(), null);
  }

  /**
   * This event with the given id: for an event whose id must be derived from the state change (so
   * appending it twice fails on the outbox's unique event id instead of publishing it twice).
   */
  public EventMessage withEventId(UUID eventId) {
    return new EventMessage(topic, key, payload, requireNonNull(eventId, "eventId"), correlationId);
  }

  /**
   * This event tied to a request or flow (a checkout session id, a request id); never personal
   * data.
   */
  public EventMessage withCorrelationId(String correlationId) {
    requireNonNull(correlationId, "correlationId");
    if (correlationId.length() > 256) {
      throw new IllegalArgumentException(
          "correlationId: " + correlationId.length() + " chars (expected: <= 256)");
    }
    return new EventMessage(topic, key, payload, eventId, correlationId);
  }

  /** The topic. */
  public String topic() {
    return topic;
  }

  /** The partition key. */
  public String key() {
    return key;
  }

  /** The event message. */
  public Message payload() {
    return payload;
  }

  /** The event's id. */
  public UUID eventId() {
    return eventId;
  }

  /** The correlation id, if set. */
  public Optional<String> correlationId() {
    return Optional.ofNullable(correlationId);
  }

  @Override
  public String toString() {
    // No key and no payload: both may be sensitive in a log line.
    return "EventMessage{" + Envelopes.typeName(payload) + " on " + topic + ", id " + eventId + "}";
  }
}
