package io.squadron.events.consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.squadron.events.internal.Envelopes;
import io.squadron.proto.events.v1.EventEnvelope;
import java.sql.Connection;
import java.util.Optional;
import java.util.UUID;

/** A handler with the message class it unpacks. */
final class TypedHandler<T extends Message> {
  private final Class<T> type;
  private final EventHandler<T> handler;

  TypedHandler(Class<T> type, EventHandler<T> handler) {
    this.type = type;
    this.handler = handler;
  }

  /** Unpacks the payload; fails if it does not parse as {@code T}. */
  T unpack(EventEnvelope envelope) throws InvalidProtocolBufferException {
    return envelope.getPayload().unpack(type);
  }

  @SuppressWarnings("unchecked")
  void handle(
      EventEnvelope envelope,
      Message payload,
      String topic,
      int partition,
      long offset,
      Connection tx)
      throws Exception {
    String correlation = envelope.getCorrelationId();
    handler.handle(
        new ReceivedEvent<>(
            UUID.fromString(envelope.getEventId()),
            envelope.getType(),
            envelope.getKey(),
            Envelopes.occurredAt(envelope),
            envelope.getProducer(),
            correlation.isEmpty() ? Optional.empty() : Optional.of(correlation),
            topic,
            partition,
            offset,
            (T) payload),
        tx);
  }
}
