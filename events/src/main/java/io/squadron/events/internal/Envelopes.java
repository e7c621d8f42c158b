package io.squadron.events.internal;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.squadron.proto.events.v1.EventEnvelope;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/** Writes and checks {@link EventEnvelope}s, the values of event records on Kafka. */
public final class Envelopes {
  /** The envelope layout this library writes and reads. */
  public static final int SCHEMA_VERSION = 1;

  /** Kafka's rule for topic names. */
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  private Envelopes() {}

  /** Whether {@code topic} is a legal Kafka topic name. */
  public static boolean legalTopic(String topic) {
    return topic != null
        && TOPIC.matcher(topic).matches()
        && !topic.equals(".")
        && !topic.equals("..");
  }

  /**
   * The full protobuf name of {@code message}'s type, e.g. {@code
   * squadron.billing.events.v1.PaymentSucceeded}.
   */
  public static String typeName(Message message) {
    return message.getDescriptorForType().getFullName();
  }

  /** A new envelope around {@code payload}. */
  public static EventEnvelope wrap(
      UUID eventId,
      String producer,
      String key,
      Instant occurredAt,
      Message payload,
      String correlationId) {
    return EventEnvelope.newBuilder()
        .setEventId(eventId.toString())
        .setType(typeName(payload))
        .setKey(key)
        .setOccurredAt(
            Timestamp.newBuilder()
                .setSeconds(occurredAt.getEpochSecond())
                .setNanos(occurredAt.getNano()))
        .setProducer(producer)
        .setPayload(Any.pack(payload))
        .setSchemaVersion(SCHEMA_VERSION)
        .setCorrelationId(correlationId == null ? "" : correlationId)
        .build();
  }

  /** When the event occurred. */
  public static Instant occurredAt(EventEnvelope envelope) {
    Timestamp t = envelope.getOccurredAt();
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  /**
   * Parses and checks a record value: an envelope of this schema version, with a UUID event id, a
   * type and a payload of that type.
   *
   * @throws MalformedEventException naming what is wrong (never the payload's content)
   */
  public static EventEnvelope parse(byte[] value) throws MalformedEventException {
    if (value == null) {
      throw new MalformedEventException("record has no value (a tombstone?)");
    }
    EventEnvelope envelope;
    try {
      envelope = EventEnvelope.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedEventException(
          "value is not a squadron.events.v1.EventEnvelope: " + e.getMessage());
    }
    if (envelope.getSchemaVersion() != SCHEMA_VERSION) {
      throw new MalformedEventException(
          "envelope schema_version "
              + envelope.getSchemaVersion()
              + " (expected: "
              + SCHEMA_VERSION
              + ")");
    }
    try {
      UUID.fromString(envelope.getEventId());
    } catch (IllegalArgumentException e) {
      throw new MalformedEventException("envelope event_id is not a UUID");
    }
    if (envelope.getType().isEmpty()) {
      throw new MalformedEventException("envelope type is empty");
    }
    // Any's rule: the type is the part after the last '/', whatever the prefix (other languages may
    // use their own).
    if (!envelope.getPayload().getTypeUrl().endsWith("/" + envelope.getType())) {
      throw new MalformedEventException(
          "envelope payload type URL "
              + envelope.getPayload().getTypeUrl()
              + " does not match type "
              + envelope.getType());
    }
    return envelope;
  }
}
