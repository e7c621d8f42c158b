package io.squadron.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.Row;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Two test classes ({@link IsolationAlphaTest}, {@link IsolationBetaTest}) write the same table and
 * key names, each through its own extensions. Each sees only its own data; the one that runs second
 * also checks that the first's data is still there, in the first's database, keyspace and prefix
 * (so the isolation is not just a cleanup).
 */
abstract class AbstractIsolationTest {
  /** What each class wrote, by store kind: marker -> where (JDBC URL, keyspace, key prefix). */
  private static final Map<String, Map<String, String>> WRITTEN = new ConcurrentHashMap<>();

  abstract String marker();

  abstract PostgresExtension postgres();

  abstract CassandraExtension cassandra();

  abstract MemcachedExtension memcached();

  abstract KafkaExtension kafka();

  private static Map<String, String> others(String kind, String marker) {
    Map<String, String> others = new ConcurrentHashMap<>(WRITTEN.getOrDefault(kind, Map.of()));
    others.remove(marker);
    return others;
  }

  private static List<String> owners(Connection c) throws SQLException {
    List<String> owners = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT owner FROM items")) {
      while (rs.next()) {
        owners.add(rs.getString(1));
      }
    }
    return owners;
  }

  @Test
  void postgres_sameTableName_seesOnlyItsOwnRows() throws Exception {
    try (Connection c = postgres().dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE items (owner text)");
      s.execute("INSERT INTO items VALUES ('" + marker() + "')");
      assertThat(owners(c)).containsExactly(marker());
    }
    WRITTEN
        .computeIfAbsent("postgres", k -> new ConcurrentHashMap<>())
        .put(marker(), postgres().jdbcUrl());
    for (Map.Entry<String, String> other : others("postgres", marker()).entrySet()) {
      assertThat(other.getValue()).isNotEqualTo(postgres().jdbcUrl());
      try (Connection c = DriverManager.getConnection(other.getValue())) {
        assertThat(owners(c)).containsExactly(other.getKey());
      }
    }
  }

  @Test
  void cassandra_sameTableName_seesOnlyItsOwnRows() {
    CqlSession session = cassandra().session();
    session.execute("CREATE TABLE items (owner text PRIMARY KEY)");
    session.execute("INSERT INTO items (owner) VALUES (?)", marker());
    assertThat(session.execute("SELECT owner FROM items").all())
        .extracting(r -> r.getString("owner"))
        .containsExactly(marker());
    WRITTEN
        .computeIfAbsent("cassandra", k -> new ConcurrentHashMap<>())
        .put(marker(), cassandra().keyspace());
    for (Map.Entry<String, String> other : others("cassandra", marker()).entrySet()) {
      assertThat(other.getValue()).isNotEqualTo(cassandra().keyspace());
      List<Row> rows = session.execute("SELECT owner FROM " + other.getValue() + ".items").all();
      assertThat(rows).extracting(r -> r.getString("owner")).containsExactly(other.getKey());
    }
  }

  @Test
  void memcached_sameKey_seesOnlyItsOwnValue() throws Exception {
    var client = memcached().client();
    assertThat(client.set(memcached().key("item"), 300, marker()).get(2, TimeUnit.SECONDS))
        .isTrue();
    assertThat(client.get(memcached().key("item"))).isEqualTo(marker());
    WRITTEN
        .computeIfAbsent("memcached", k -> new ConcurrentHashMap<>())
        .put(marker(), memcached().prefix());
    for (Map.Entry<String, String> other : others("memcached", marker()).entrySet()) {
      assertThat(other.getValue()).isNotEqualTo(memcached().prefix());
      assertThat(client.get(other.getValue() + "item")).isEqualTo(other.getKey());
    }
  }

  @Test
  void kafka_sameTopicName_seesOnlyItsOwnRecords() throws Exception {
    String topic = kafka().createTopic("items", 2);
    assertThat(topic).isEqualTo(kafka().prefix() + "items").startsWith("t_isolation");
    kafka()
        .producer()
        .send(
            new ProducerRecord<>(
                topic,
                "k".getBytes(StandardCharsets.UTF_8),
                marker().getBytes(StandardCharsets.UTF_8)))
        .get(30, TimeUnit.SECONDS);
    assertThat(kafka().readAll(topic))
        .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
        .containsExactly(marker());
    WRITTEN.computeIfAbsent("kafka", k -> new ConcurrentHashMap<>()).put(marker(), topic);
    for (Map.Entry<String, String> other : others("kafka", marker()).entrySet()) {
      assertThat(other.getValue()).isNotEqualTo(topic);
      assertThat(kafka().readAll(other.getValue()))
          .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
          .containsExactly(other.getKey());
    }
  }
}
