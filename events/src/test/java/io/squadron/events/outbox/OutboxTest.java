package io.squadron.events.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.squadron.events.EventHeaders;
import io.squadron.events.EventsSchema;
import io.squadron.events.fixtures.AppliedLog;
import io.squadron.events.fixtures.Ledger;
import io.squadron.events.relay.OutboxRelay;
import io.squadron.proto.billing.events.v1.PaymentSucceeded;
import io.squadron.proto.events.v1.EventEnvelope;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The outbox writes in the caller's transaction; the schema lives beside a service's own Flyway
 * migrations.
 */
class OutboxTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();
  @RegisterExtension static final KafkaExtension KAFKA = KafkaExtension.perClass();

  private static HikariDataSource pool;

  @BeforeAll
  static void schema() throws Exception {
    pool = Ledger.pool(PG.jdbcUrl(), 4);
    // A service with its own Flyway history (the default table name) migrates first, then the
    // library.
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE service_owned (id INT PRIMARY KEY)");
    }
    Flyway.configure()
        .dataSource(pool)
        .locations("classpath:db/outbox-test-service")
        .baselineOnMigrate(true)
        .baselineVersion("0")
        .load()
        .migrate();
    Ledger.createSchema(pool);
  }

  @AfterAll
  static void closePool() {
    pool.close();
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void schema_besideTheServicesOwnFlyway_eachKeepsItsOwnHistory_andMigrateAgainIsANoOp()
      throws Exception {
    EventsSchema.migrate(pool); // again: nothing to do
    assertThat(
            count(
                "SELECT count(*) FROM squadron_events_schema_history WHERE success AND version = '1'"))
        .isEqualTo(1);
    assertThat(
            count(
                "SELECT count(*) FROM flyway_schema_history WHERE version = '1' AND script LIKE '%service%'"))
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM flyway_schema_history WHERE script LIKE '%outbox%'"))
        .isZero();
    assertThat(count("SELECT count(*) FROM service_table")).isZero();
  }

  @Test
  void append_onAnAutoCommitConnection_isRejected() throws Exception {
    Outbox outbox = Outbox.forProducer("ledger");
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(true);
      assertThatThrownBy(() -> outbox.append(c, new Ledger(pool, "t").event("x", 1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("setAutoCommit(false)");
    }
  }

  @Test
  void eventMessage_rejectsBadTopicAndKey_namingTheField() {
    PaymentSucceeded payload = PaymentSucceeded.getDefaultInstance();
    assertThatThrownBy(() -> EventMessage.of("bad topic", "k", payload))
        .hasMessageStartingWith("topic:");
    assertThatThrownBy(() -> EventMessage.of("t", "", payload)).hasMessageStartingWith("key:");
    assertThatThrownBy(() -> EventMessage.of("t", "k".repeat(1025), payload))
        .hasMessageStartingWith("key:");
    assertThatThrownBy(() -> Outbox.forProducer(" ")).hasMessageStartingWith("producer:");
    assertThat(EventMessage.of("t", "secret-key", payload).toString()).doesNotContain("secret-key");
  }

  @Test
  void stateChangeAndEvent_commitTogether_rolledBackEventIsNeverPublished() throws Exception {
    String topic = KAFKA.createTopic("together", 1);
    Instant occurred = Instant.parse("2026-11-30T12:00:00Z");
    Outbox outbox = Outbox.forProducer("ledger", Clock.fixed(occurred, ZoneOffset.UTC));
    Ledger ledger = new Ledger(pool, topic);
    try (Connection tx = pool.getConnection()) {
      tx.setAutoCommit(false);
      Ledger.bump(tx, "rb");
      outbox.append(tx, ledger.event("rb", 1));
      tx.rollback();
    }
    UUID committedId = UUID.randomUUID();
    try (Connection tx = pool.getConnection()) {
      tx.setAutoCommit(false);
      long seq = Ledger.bump(tx, "rb");
      outbox.append(
          tx, ledger.event("rb", seq).withEventId(committedId).withCorrelationId("session-7"));
      tx.commit();
    }
    assertThat(count("SELECT seq FROM ledger_account WHERE account = 'rb'")).isEqualTo(1);
    assertThat(count("SELECT count(*) FROM squadron_outbox WHERE event_key = 'rb'")).isEqualTo(1);

    try (OutboxRelay relay = OutboxRelay.builder(pool, KAFKA.bootstrapServers()).build().start()) {
      AppliedLog.await(
          "the committed event published", Duration.ofSeconds(30), () -> relay.published() == 1);
    }
    List<ConsumerRecord<byte[], byte[]>> records = KAFKA.readAll(topic);
    assertThat(records).hasSize(1);
    ConsumerRecord<byte[], byte[]> record = records.get(0);
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("rb");
    assertThat(
            new String(
                record.headers().lastHeader(EventHeaders.EVENT_ID).value(), StandardCharsets.UTF_8))
        .isEqualTo(committedId.toString());
    EventEnvelope envelope = EventEnvelope.parseFrom(record.value());
    assertThat(envelope.getEventId()).isEqualTo(committedId.toString());
    assertThat(envelope.getType()).isEqualTo("squadron.billing.events.v1.PaymentSucceeded");
    assertThat(envelope.getProducer()).isEqualTo("ledger");
    assertThat(envelope.getCorrelationId()).isEqualTo("session-7");
    assertThat(envelope.getSchemaVersion()).isEqualTo(1);
    assertThat(envelope.getOccurredAt().getSeconds()).isEqualTo(occurred.getEpochSecond());
    assertThat(envelope.getPayload().unpack(PaymentSucceeded.class).getAmount().getMinorUnits())
        .isEqualTo(1);
    assertThat(count("SELECT count(*) FROM squadron_outbox WHERE sent_at IS NULL")).isZero();
  }

  @Test
  void sameEventIdAppendedTwice_failsOnTheSecondAppend() throws Exception {
    Outbox outbox = Outbox.forProducer("ledger");
    EventMessage event = new Ledger(pool, "dup-topic").event("dup", 1);
    try (Connection tx = pool.getConnection()) {
      tx.setAutoCommit(false);
      outbox.append(tx, event);
      tx.commit();
      assertThatThrownBy(() -> outbox.append(tx, event))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("squadron_outbox_event_id_unique");
      tx.rollback();
    }
  }
}
