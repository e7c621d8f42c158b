package io.squadron.events.relay;

import java.time.Instant;
import java.util.UUID;

/** A claimed outbox row. */
record OutboxRow(
    long id,
    UUID eventId,
    String topic,
    String key,
    String type,
    byte[] envelope,
    Instant createdAt) {
  /** The unit of ordering: a key within a topic. */
  String orderingKey() {
    return topic + '\u0000' + key;
  }
}
