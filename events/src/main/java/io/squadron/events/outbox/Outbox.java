package io.squadron.events.outbox;

import static java.util.Objects.requireNonNull;

import io.squadron.events.internal.Envelopes;
import io.squadron.proto.events.v1.EventEnvelope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * Writes events into the {@code squadron_outbox} table in the caller's own transaction: the state
 * change and its events commit together or not at all. The {@link
 * io.squadron.events.relay.OutboxRelay} publishes them once committed.
 *
 * <pre>{@code
 * Outbox outbox = Outbox.forProducer("billing");
 * try (Connection tx = dataSource.getConnection()) {
 *   tx.setAutoCommit(false);
 *   payments.markCaptured(tx, paymentId);                         // the state change
 *   outbox.append(tx, EventMessage.of("billing.payments", paymentId.toString(), succeeded));
 *   tx.commit();                                                  // both, or neither
 * }
 * }</pre>
 *
 * <p><b>Order per key</b> is the order of the outbox rows' ids, i.e. of the appends. Two
 * transactions that append events for the same key concurrently get ids in insert order, which need
 * not be their commit order: serialize writers of one key through the state change itself (lock or
 * update the row the key names before appending), as a correct state change does anyway.
 *
 * <p>Thread-safe: holds no state besides the producer name and clock.
 */
public final class Outbox {
  private static final String INSERT =
      "INSERT INTO squadron_outbox (event_id, topic, event_key, event_type, envelope)"
          + " VALUES (?, ?, ?, ?, ?)";

  private final String producer;
  private final Clock clock;

  private Outbox(String producer, Clock clock) {
    this.producer = producer;
    this.clock = clock;
  }

  /**
   * An outbox whose events name {@code producer} (the service, e.g. {@code "billing"}) and occur at
   * the system clock's time.
   */
  public static Outbox forProducer(String producer) {
    return forProducer(producer, Clock.systemUTC());
  }

  /**
   * An outbox whose events name {@code producer} and take their occurred-at time from {@code
   * clock}.
   */
  public static Outbox forProducer(String producer, Clock clock) {
    requireNonNull(producer, "producer");
    requireNonNull(clock, "clock");
    if (producer.isBlank() || producer.length() > 64) {
      throw new IllegalArgumentException(
          "producer: '" + producer + "' (expected: 1-64 characters, not blank)");
    }
    return new Outbox(producer, clock);
  }

  /**
   * Inserts {@code events} into the outbox within {@code tx}'s current transaction, in order.
   *
   * @param tx a connection with auto-commit off, inside the transaction that makes the state change
   * @throws IllegalStateException if {@code tx} is in auto-commit mode (the event would commit on
   *     its own)
   * @throws SQLException from the insert, e.g. a unique violation for an event id appended before
   */
  public void append(Connection tx, EventMessage... events) throws SQLException {
    append(tx, List.of(events));
  }

  /** As {@link #append(Connection, EventMessage...)}. */
  public void append(Connection tx, List<EventMessage> events) throws SQLException {
    requireNonNull(tx, "tx");
    requireNonNull(events, "events");
    if (tx.getAutoCommit()) {
      throw new IllegalStateException(
          "the outbox writes in the caller's transaction: call setAutoCommit(false) on"
              + " the connection and commit the state change and its events together");
    }
    if (events.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    try (PreparedStatement insert = tx.prepareStatement(INSERT)) {
      for (EventMessage event : events) {
        requireNonNull(event, "event");
        EventEnvelope envelope =
            Envelopes.wrap(
                event.eventId(),
                producer,
                event.key(),
                now,
                event.payload(),
                event.correlationId().orElse(null));
        insert.setObject(1, event.eventId());
        insert.setString(2, event.topic());
        insert.setString(3, event.key());
        insert.setString(4, envelope.getType());
        insert.setBytes(5, envelope.toByteArray());
        if (events.size() == 1) {
          insert.executeUpdate();
        } else {
          insert.addBatch();
        }
      }
      if (events.size() > 1) {
        insert.executeBatch();
      }
    }
  }

  /** The producer name events carry. */
  public String producer() {
    return producer;
  }
}
