package io.squadron.events.consumer;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.squadron.events.internal.Envelopes;
import io.squadron.proto.events.v1.EventEnvelope;
import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** A handler, one event at a time or a batch per call, with the message class it unpacks. */
final class TypedHandler<T extends Message> {
  private final Class<T> type;
  private final BatchEventHandler<T> handler;

  private TypedHandler(Class<T> type, BatchEventHandler<T> handler) {
    this.type = type;
    this.handler = handler;
  }

  /** A handler called once per event. */
  static <T extends Message> TypedHandler<T> perEvent(Class<T> type, EventHandler<T> handler) {
    return new TypedHandler<>(
        type,
        (events, tx) -> {
          for (ReceivedEvent<T> event : events) {
            handler.handle(event, tx);
          }
        });
  }

  /** A handler called once per run of events of its type. */
  static <T extends Message> TypedHandler<T> batched(Class<T> type, BatchEventHandler<T> handler) {
    return new TypedHandler<>(type, handler);
  }

  /** Unpacks the payload; fails if it does not parse as {@code T}. */
  T unpack(EventEnvelope envelope) throws InvalidProtocolBufferException {
    return envelope.getPayload().unpack(type);
  }

  /** The event as the handler gets it; {@code payload} is what {@link #unpack} returned. */
  @SuppressWarnings("unchecked")
  ReceivedEvent<T> received(
      EventEnvelope envelope, Message payload, String topic, int partition, long offset) {
    String correlation = envelope.getCorrelationId();
    return new ReceivedEvent<>(
        UUID.fromString(envelope.getEventId()),
        envelope.getType(),
        envelope.getKey(),
        Envelopes.occurredAt(envelope),
        envelope.getProducer(),
        correlation.isEmpty() ? Optional.empty() : Optional.of(correlation),
        topic,
        partition,
        offset,
        (T) payload);
  }

  /**
   * Applies {@code events}, each made by this handler's {@link #received}, in order inside {@code
   * tx}.
   */
  @SuppressWarnings("unchecked")
  void handle(List<ReceivedEvent<?>> events, Connection tx) throws Exception {
    handler.handle((List<ReceivedEvent<T>>) (List<?>) List.copyOf(events), tx);
  }
}
