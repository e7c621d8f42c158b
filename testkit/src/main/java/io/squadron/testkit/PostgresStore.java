package io.squadron.testkit;

import io.squadron.infra.LocalInfra;
import io.squadron.infra.postgres.PostgresLauncher;
import io.squadron.infra.postgres.PostgresServer;
import io.squadron.store.postgres.PostgresDatabases;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;

/**
 * A PostgreSQL server for tests, reached through an admin JDBC URL (user and password as
 * parameters).
 */
final class PostgresStore extends StoreServer {
  private final String adminUrl;

  private PostgresStore(Source source, String adminUrl, PostgresServer local, AutoCloseable owned) {
    super(source, local, owned);
    this.adminUrl = adminUrl;
  }

  /** The server named by {@code SQUADRON_POSTGRES_URL}, else a container, else a local process. */
  static PostgresStore shared(Map<String, String> environment) {
    switch (Source.choose(environment, LocalInfra.POSTGRES_URL_ENV)) {
      case ENVIRONMENT:
        return new PostgresStore(
            Source.ENVIRONMENT, environment.get(LocalInfra.POSTGRES_URL_ENV).trim(), null, null);
      case CONTAINER:
        return containerOrLocal("postgres", PostgresStore::container, PostgresStore::localProcess);
      default:
        return localProcess();
    }
  }

  /** A new local PostgreSQL process. */
  static PostgresStore localProcess() {
    PostgresServer server = PostgresLauncher.builder().start();
    return new PostgresStore(Source.LOCAL_PROCESS, server.jdbcUrl(), server, server);
  }

  private static PostgresStore container() {
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    String password = HexFormat.of().formatHex(secret);
    GenericContainer<?> container = Containers.postgres(password);
    container.start();
    String url =
        "jdbc:postgresql://"
            + container.getHost()
            + ":"
            + container.getMappedPort(Containers.POSTGRES_PORT)
            + "/postgres?user=postgres&password="
            + password;
    return new PostgresStore(Source.CONTAINER, url, null, container);
  }

  /**
   * Creates {@code database} and returns its JDBC URL (same host, user and password as the admin
   * URL).
   */
  String createDatabase(String database) throws SQLException {
    String url = PostgresDatabases.ensure(adminUrl, database);
    created(database);
    return url;
  }

  @Override
  void drop(String database) throws SQLException {
    execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
  }

  private void execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(adminUrl);
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
