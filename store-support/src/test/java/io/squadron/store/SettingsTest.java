package io.squadron.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.store.memcached.MemcachedSettings;
import io.squadron.store.postgres.PostgresSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The standard squadron.stores.* keys: defaults from reference.conf, overrides, and errors that
 * name the key.
 */
class SettingsTest {
  private static Config config(String hocon) {
    return ConfigLoader.withOverrides(ConfigFactory.parseString(hocon));
  }

  @Test
  void cassandra_defaultsAndOverrides() {
    CassandraSettings s =
        CassandraSettings.from(config("squadron.stores.cassandra.keyspace = padlock"));
    assertThat(s.endpoint()).hasToString("127.0.0.1:9042/datacenter1");
    assertThat(s.keyspace()).isEqualTo("padlock");
    assertThat(s.replication().toCql())
        .isEqualTo("{'class': 'SimpleStrategy', 'replication_factor': 1}");
    assertThat(s.requestTimeout()).isEqualTo(CassandraSettings.DEFAULT_REQUEST_TIMEOUT);
    assertThat(s.connectTimeout()).isEqualTo(CassandraSettings.DEFAULT_CONNECT_TIMEOUT);
    assertThat(s.schemaTimeout()).isEqualTo(CassandraSettings.DEFAULT_SCHEMA_TIMEOUT);

    CassandraSettings production =
        CassandraSettings.from(
            config(
                """
        squadron.stores.cassandra {
          endpoint = "10.0.0.1:9042,10.0.0.2:9042/eu-west"
          keyspace = userdb
          replication { class = NetworkTopologyStrategy, datacenters { eu-west = 3, us-east = 2 } }
          request-timeout = 500ms
        }
        """));
    assertThat(production.endpoint().contactPoints()).hasSize(2);
    assertThat(production.replication().toCql())
        .isEqualTo("{'class': 'NetworkTopologyStrategy', 'eu-west': 3, 'us-east': 2}");
    assertThat(production.requestTimeout()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void cassandra_badValues_nameTheKey() {
    assertThatThrownBy(() -> CassandraSettings.from(config("")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.stores.cassandra.keyspace");
    assertThatThrownBy(
            () -> CassandraSettings.from(config("squadron.stores.cassandra.keyspace = Bad-Name")))
        .hasMessageStartingWith("squadron.stores.cassandra.keyspace");
    assertThatThrownBy(
            () ->
                CassandraSettings.from(
                    config(
                        """
        squadron.stores.cassandra { keyspace = k, endpoint = "127.0.0.1:9042" }""")))
        .hasMessageStartingWith("squadron.stores.cassandra.endpoint")
        .hasMessageContaining("no datacenter");
    assertThatThrownBy(
            () ->
                CassandraSettings.from(
                    config(
                        """
        squadron.stores.cassandra { keyspace = k, replication.class = NetworkTopologyStrategy }""")))
        .hasMessageStartingWith("squadron.stores.cassandra.replication.datacenters");
    assertThatThrownBy(
            () ->
                CassandraSettings.from(
                    config(
                        """
        squadron.stores.cassandra { keyspace = k, replication.class = EverywhereStrategy }""")))
        .hasMessageStartingWith("squadron.stores.cassandra.replication.class");
    assertThatThrownBy(
            () ->
                CassandraSettings.from(
                    config(
                        """
        squadron.stores.cassandra { keyspace = k, request-timeout = 0s }""")))
        .hasMessageStartingWith("squadron.stores.cassandra.request-timeout");
  }

  @Test
  void cassandra_replication_validated() {
    assertThat(CassandraSettings.Replication.networkTopology(Map.of("dc1", 3)).toCql())
        .isEqualTo("{'class': 'NetworkTopologyStrategy', 'dc1': 3}");
    assertThatThrownBy(() -> CassandraSettings.Replication.simple(0)).hasMessageContaining("1..99");
    assertThatThrownBy(() -> CassandraSettings.Replication.networkTopology(Map.of("dc'1", 3)))
        .hasMessageContaining("datacenter");
  }

  @Test
  void postgres_defaultsOverridesAndErrors() {
    PostgresSettings s =
        PostgresSettings.from(
            config(
                """
        squadron.stores.postgres.url = "jdbc:postgresql://127.0.0.1:5432/userdb?user=u&password=secret"
        """));
    assertThat(s.poolSize()).isEqualTo(PostgresSettings.DEFAULT_POOL_SIZE);
    assertThat(s.connectionTimeout()).isEqualTo(PostgresSettings.DEFAULT_CONNECTION_TIMEOUT);
    assertThat(s.redactedUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/userdb");
    assertThat(s.toString()).doesNotContain("secret");

    assertThatThrownBy(() -> PostgresSettings.from(config("")))
        .hasMessageStartingWith("squadron.stores.postgres.url");
    assertThatThrownBy(
            () ->
                PostgresSettings.from(
                    config("squadron.stores.postgres.url = \"mysql://x?password=s\"")))
        .hasMessageStartingWith("squadron.stores.postgres.url")
        .hasMessageNotContaining("password=s");
    assertThatThrownBy(
            () ->
                PostgresSettings.from(
                    config(
                        """
        squadron.stores.postgres { url = "jdbc:postgresql://h/db", connection-timeout = 10ms }""")))
        .hasMessageStartingWith("squadron.stores.postgres.connection-timeout");
    assertThatThrownBy(
            () ->
                PostgresSettings.from(
                    config(
                        """
        squadron.stores.postgres { url = "jdbc:postgresql://h/db", pool-size = 0 }""")))
        .hasMessageStartingWith("squadron.stores.postgres.pool-size");
  }

  @Test
  void memcached_defaultsOverridesAndErrors() {
    MemcachedSettings none = MemcachedSettings.from(config(""));
    assertThat(none.addresses()).isEmpty();
    assertThat(none.opTimeout()).isEqualTo(Duration.ofMillis(50));

    MemcachedSettings s =
        MemcachedSettings.from(
            config(
                """
        squadron.stores.memcached { addresses = "127.0.0.1:11211, 10.0.0.2:11211", key-prefix = "padlock:" }"""));
    assertThat(s.addresses()).containsExactly("127.0.0.1:11211", "10.0.0.2:11211");
    assertThat(s.keyPrefix()).isEqualTo("padlock:");

    assertThatThrownBy(
            () -> MemcachedSettings.from(config("squadron.stores.memcached.addresses = localhost")))
        .hasMessageStartingWith("squadron.stores.memcached.addresses");
    assertThatThrownBy(
            () -> MemcachedSettings.from(config("squadron.stores.memcached.key-prefix = \"a b\"")))
        .hasMessageStartingWith("squadron.stores.memcached.key-prefix");
    assertThatThrownBy(() -> new MemcachedSettings(List.of("h:70000"), "", Duration.ofMillis(1)))
        .hasMessageContaining("1..65535");
  }
}
