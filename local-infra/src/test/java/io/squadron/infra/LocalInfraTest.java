package io.squadron.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalInfraTest {

  @Test
  void startsWhatIsNotExternal_environmentHasTheDocumentedFormats_closeStopsEverything()
      throws Exception {
    LocalInfra infra =
        LocalInfra.builder()
            .fromEnvironment(
                Map.of(
                    LocalInfra.CASSANDRA_ENV,
                    "10.1.2.3:9042/dc-east",
                    LocalInfra.KAFKA_ENV,
                    "10.1.2.3:9092,10.1.2.4:9092"))
            .postgres(true)
            .memcached(true)
            .build()
            .start();
    List<LocalServer> servers = infra.servers();
    try {
      assertThat(infra.cassandra()).isEmpty();
      assertThat(infra.kafka()).isEmpty();
      assertThat(servers).extracting(LocalServer::kind).containsExactly("postgres", "memcached");

      Map<String, String> env = infra.environment();
      assertThat(env)
          .containsOnlyKeys(
              LocalInfra.POSTGRES_URL_ENV,
              LocalInfra.CASSANDRA_ENV,
              LocalInfra.MEMCACHED_ENV,
              LocalInfra.KAFKA_ENV);
      assertThat(env.get(LocalInfra.KAFKA_ENV)).isEqualTo("10.1.2.3:9092,10.1.2.4:9092");
      int pgPort = infra.postgres().orElseThrow().port();
      assertThat(env.get(LocalInfra.POSTGRES_URL_ENV))
          .matches(
              "jdbc:postgresql://127\\.0\\.0\\.1:"
                  + pgPort
                  + "/postgres\\?user=postgres&password=[0-9a-f]+");
      assertThat(env.get(LocalInfra.CASSANDRA_ENV)).isEqualTo("10.1.2.3:9042/dc-east");
      assertThat(env.get(LocalInfra.MEMCACHED_ENV))
          .isEqualTo("127.0.0.1:" + infra.memcached().orElseThrow().port());
      try (Connection c = DriverManager.getConnection(env.get(LocalInfra.POSTGRES_URL_ENV))) {
        assertThat(c.isValid(5)).isTrue();
      }
    } finally {
      infra.close();
    }
    assertThat(servers).noneMatch(LocalServer::isRunning);
  }

  @Test
  void builder_rejectsMalformedExternalAddresses() {
    assertThatThrownBy(() -> LocalInfra.builder().postgresUrl("postgres://x"))
        .hasMessageContaining("postgresUrl");
    assertThatThrownBy(() -> LocalInfra.builder().memcachedAddress("localhost"))
        .hasMessageContaining("memcachedAddress");
    assertThatThrownBy(() -> LocalInfra.builder().cassandraEndpoint(" "))
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> LocalInfra.builder().kafkaBootstrap("127.0.0.1"))
        .hasMessageContaining("kafkaBootstrap");
    assertThatThrownBy(() -> LocalInfra.builder().kafkaBootstrap("127.0.0.1:9092, 127.0.0.2:9092"))
        .hasMessageContaining("kafkaBootstrap");
  }
}
