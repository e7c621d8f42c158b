package io.squadron.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.infra.LocalInfra;
import io.squadron.store.postgres.PostgresDatabases;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.OperationTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where servers come from: the environment, or a private server with fault controls. */
class ExtensionSourcesTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();
  @RegisterExtension static final MemcachedExtension OWN_MEMCACHED = MemcachedExtension.ownServer();

  @Test
  void source_environmentVariableWins_containersCanBeTurnedOff() {
    assertThat(
            Source.choose(
                Map.of(LocalInfra.CASSANDRA_ENV, "10.0.0.1:9042/dc1"), LocalInfra.CASSANDRA_ENV))
        .isEqualTo(Source.ENVIRONMENT);
    assertThat(
            Source.choose(
                Map.of(LocalInfra.CASSANDRA_ENV, " ", Source.CONTAINERS_ENV, "false"),
                LocalInfra.CASSANDRA_ENV))
        .isEqualTo(Source.LOCAL_PROCESS);
  }

  @Test
  void externalPostgres_fromEnvironment_startsNothing_dropsItsDatabasesWhenClosed()
      throws Exception {
    // The shared server of this JVM stands in for an external one named by SQUADRON_POSTGRES_URL.
    String external = PostgresDatabases.ensure(PG.jdbcUrl(), "postgres");
    PostgresStore store = PostgresStore.shared(Map.of(LocalInfra.POSTGRES_URL_ENV, external));
    assertThat(store.source()).isEqualTo(Source.ENVIRONMENT);
    assertThat(store.local()).isEmpty();

    String url = store.createDatabase("t_external_check");
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(c.getCatalog()).isEqualTo("t_external_check");
    }
    store.close();

    try (Connection c = DriverManager.getConnection(external);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM pg_database WHERE datname = 't_external_check'")) {
      rs.next();
      assertThat(rs.getInt(1)).isZero();
    }
    assertThat(c(PG.jdbcUrl())).as("the external server still runs").isTrue();
  }

  private static boolean c(String url) throws Exception {
    try (Connection c = DriverManager.getConnection(url)) {
      return c.isValid(5);
    }
  }

  @Test
  void ownServer_hasFaultControls_sharedServerHasNone() throws Exception {
    assertThatThrownBy(PG::server)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ownServer()");

    var client = OWN_MEMCACHED.client();
    client.set(OWN_MEMCACHED.key("k"), 60, "v").get(2, TimeUnit.SECONDS);
    OWN_MEMCACHED.server().pause();
    try {
      assertThatThrownBy(() -> client.get(OWN_MEMCACHED.key("k")))
          .isInstanceOf(OperationTimeoutException.class);
    } finally {
      OWN_MEMCACHED.server().resume();
    }
    assertThat(client.asyncGet(OWN_MEMCACHED.key("k")).get(5, TimeUnit.SECONDS)).isEqualTo("v");
  }
}
