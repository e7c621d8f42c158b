package io.squadron.userdb.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.squadron.proto.events.v1.EventEnvelope;
import io.squadron.proto.userdb.events.v1.UserDeleted;
import io.squadron.proto.userdb.v1.CreateUserRequest;
import io.squadron.proto.userdb.v1.DeleteUserRequest;
import io.squadron.proto.userdb.v1.User;
import io.squadron.proto.userdb.v1.UserServiceGrpc;
import io.squadron.testkit.Await;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.service.ServiceExtension;
import io.squadron.userdb.events.OutboxUserEvents;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deleting a user tells the services that keep references to them: {@code UserDeleted} reaches the
 * real Kafka topic through the outbox in userdb's PostgreSQL database, keyed by user id, once per
 * user however often the delete is retried.
 */
class UserDeletedEventTest {
  @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.perClass();
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  @RegisterExtension
  static final ServiceExtension USERDB =
      ServiceExtension.forService("userdb")
          .calls(PADLOCK)
          .kafka(KAFKA)
          .config("squadron.userdb.store = postgres\nsquadron.padlock-client.deadline = 5s");

  private static List<UserDeleted> deletedEvents(String userId) {
    return KAFKA.readAll(KAFKA.topic(OutboxUserEvents.TOPIC)).stream()
        .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(userId))
        .map(UserDeletedEventTest::payload)
        .toList();
  }

  private static UserDeleted payload(ConsumerRecord<byte[], byte[]> record) {
    try {
      EventEnvelope envelope = EventEnvelope.parseFrom(record.value());
      assertThat(envelope.getProducer()).isEqualTo("userdb");
      assertThat(UUID.fromString(envelope.getEventId()))
          .isEqualTo(OutboxUserEvents.deletedEventId(UUID.fromString(envelope.getKey())));
      return envelope.getPayload().unpack(UserDeleted.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("not a UserDeleted envelope", e);
    }
  }

  /** How many outbox rows the user has, and how many of them are marked sent. */
  private static List<Integer> outboxRows(String userId) {
    try (Connection c = USERDB.postgres().dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*), count(sent_at) FROM squadron_outbox WHERE event_key = ?")) {
      s.setString(1, userId);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return List.of(r.getInt(1), r.getInt(2));
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void deleteUser_publishesUserDeletedOnce_evenWhenTheDeleteIsRetried() {
    var checkout = USERDB.stub("checkout", UserServiceGrpc::newBlockingStub);
    User gone =
        checkout
            .createUser(
                CreateUserRequest.newBuilder()
                    .setUsername("leaving")
                    .setEmail("l@example.com")
                    .setCountry("SE")
                    .build())
            .getUser();
    User staying =
        checkout
            .createUser(
                CreateUserRequest.newBuilder()
                    .setUsername("staying")
                    .setEmail("s@example.com")
                    .setCountry("SE")
                    .build())
            .getUser();

    assertThat(
            checkout
                .deleteUser(DeleteUserRequest.newBuilder().setId(gone.getId()).build())
                .getDeleted())
        .isTrue();
    checkout.deleteUser(
        DeleteUserRequest.newBuilder().setId(gone.getId()).build()); // a client's retry

    List<UserDeleted> events =
        Await.value(
            Duration.ofSeconds(30),
            "UserDeleted on Kafka",
            () -> {
              List<UserDeleted> seen = deletedEvents(gone.getId());
              return seen.isEmpty() ? Optional.empty() : Optional.of(seen);
            });
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getUserId()).isEqualTo(gone.getId());
              assertThat(e.getDeletedAt().getSeconds()).isPositive();
            });
    assertThat(deletedEvents(staying.getId())).isEmpty();
    Await.until(
        Duration.ofSeconds(30),
        "the outbox row marked sent",
        () -> outboxRows(gone.getId()).equals(List.of(1, 1)));
  }
}
