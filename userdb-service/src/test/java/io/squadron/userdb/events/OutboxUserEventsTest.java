package io.squadron.userdb.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.events.EventsSchema;
import io.squadron.events.outbox.Outbox;
import io.squadron.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox rows {@code userDeleted} writes in real PostgreSQL, and the relay's wake-up after each
 * commit that recorded one (without it, an event waits out the relay's idle pause).
 */
class OutboxUserEventsTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();

  private final AtomicInteger wakeUps = new AtomicInteger();
  private final OutboxUserEvents events =
      new OutboxUserEvents(
          PG.dataSource(),
          Outbox.forProducer("userdb"),
          "test.userdb.users",
          Clock.systemUTC(),
          wakeUps::incrementAndGet);

  @BeforeAll
  static void schema() {
    EventsSchema.migrate(PG.dataSource());
  }

  @Test
  void userDeleted_recordsOneRowAndWakesTheRelayOnce_aRetryNeither() throws SQLException {
    UUID userId = UUID.randomUUID();

    events.userDeleted(userId);
    events.userDeleted(userId); // a retried delete: the row is there already

    assertThat(rowsOf(OutboxUserEvents.deletedEventId(userId))).isEqualTo(1);
    assertThat(wakeUps).hasValue(1);
  }

  private static int rowsOf(UUID eventId) throws SQLException {
    try (Connection c = PG.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM squadron_outbox WHERE event_id = ? AND topic = ?")) {
      s.setObject(1, eventId);
      s.setString(2, "test.userdb.users");
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
