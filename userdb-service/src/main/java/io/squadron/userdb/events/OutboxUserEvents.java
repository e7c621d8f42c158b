package io.squadron.userdb.events;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Timestamp;
import io.squadron.events.outbox.EventMessage;
import io.squadron.events.outbox.Outbox;
import io.squadron.proto.userdb.events.v1.UserDeleted;
import io.squadron.store.postgres.PostgresStore;
import io.squadron.userdb.account.UserEvents;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes {@code UserDeleted} into the outbox in userdb's PostgreSQL database; the events library's
 * relay publishes it to {@value #TOPIC}, keyed by user id.
 *
 * <p>The event id is derived from the user id, so a delete that is retried (after the event was
 * recorded but before the caller heard back) records nothing new while the first row is kept, and a
 * consumer that sees the event twice later (after the outbox's retention) deduplicates it by id.
 * The account is deleted in its store before the event is recorded, so a consumer never hears of a
 * deletion that did not happen; a process that dies in between leaves the caller without an answer,
 * and its retry records the event.
 */
public final class OutboxUserEvents implements UserEvents {
  /** The topic's name before the deployment's prefix. */
  public static final String TOPIC = "userdb.users";

  private static final String UNIQUE_VIOLATION = "23505";

  private final DataSource dataSource;
  private final Outbox outbox;
  private final String topic;
  private final Clock clock;
  private final Runnable committed;

  /**
   * Events into the outbox of {@code dataSource}, published to {@code topic} (the prefixed {@link
   * #TOPIC}).
   */
  public OutboxUserEvents(DataSource dataSource, Outbox outbox, String topic, Clock clock) {
    this(dataSource, outbox, topic, clock, () -> {});
  }

  /**
   * As {@link #OutboxUserEvents(DataSource, Outbox, String, Clock)}, calling {@code committed}
   * after each commit that recorded an event: the relay's {@code wakeUp}, so an event does not wait
   * out the relay's idle pause.
   */
  public OutboxUserEvents(
      DataSource dataSource, Outbox outbox, String topic, Clock clock, Runnable committed) {
    this.dataSource = requireNonNull(dataSource, "dataSource");
    this.outbox = requireNonNull(outbox, "outbox");
    this.topic = requireNonNull(topic, "topic");
    this.clock = requireNonNull(clock, "clock");
    this.committed = requireNonNull(committed, "committed");
  }

  /** The id of the one {@code UserDeleted} event of {@code userId}. */
  public static UUID deletedEventId(UUID userId) {
    return UUID.nameUUIDFromBytes(
        ("userdb.UserDeleted/" + userId).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void userDeleted(UUID userId) {
    Instant now = clock.instant();
    UserDeleted event =
        UserDeleted.newBuilder()
            .setUserId(userId.toString())
            .setDeletedAt(
                Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
            .build();
    try (Connection tx = dataSource.getConnection()) {
      tx.setAutoCommit(false);
      try {
        outbox.append(
            tx,
            EventMessage.of(topic, userId.toString(), event).withEventId(deletedEventId(userId)));
        tx.commit();
        committed.run();
      } catch (SQLException e) {
        tx.rollback();
        if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw e;
        }
        // Recorded by an earlier attempt of the same delete.
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("record the deletion event", e);
    }
  }
}
