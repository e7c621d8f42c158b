package io.squadron.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;

/**
 * A PostgreSQL database of the test class's own, on a real server.
 *
 * <pre>
 * class AccountStoreTest {
 *     &#64;RegisterExtension
 *     static final PostgresExtension PG = PostgresExtension.perClass();
 *
 *     &#64;Test
 *     void savesAccounts() throws Exception {
 *         try (Connection c = PG.dataSource().getConnection()) { ... }
 *     }
 * }
 * </pre>
 *
 * <p>{@link #perClass()} shares the test JVM's server ({@code SQUADRON_POSTGRES_URL} if set, else
 * one started on first use) and creates a database named after the class with a random suffix;
 * {@link #ownServer()} starts a private server for fault tests ({@link #server()}).
 */
public final class PostgresExtension extends StoreExtension<PostgresStore> {
  private String jdbcUrl;
  private HikariDataSource dataSource;

  private PostgresExtension(boolean ownServer) {
    super(PostgresStore.class, ownServer);
  }

  /** A database of the class's own on the test JVM's shared server. */
  public static PostgresExtension perClass() {
    return new PostgresExtension(false);
  }

  /**
   * A database on a private local server, stopped after the class; its fault controls are {@link
   * #server()}.
   */
  public static PostgresExtension ownServer() {
    return new PostgresExtension(true);
  }

  @Override
  PostgresStore startShared() {
    return PostgresStore.shared(System.getenv());
  }

  @Override
  PostgresStore startOwn() {
    return PostgresStore.localProcess();
  }

  @Override
  void setUp(PostgresStore store, String database) throws Exception {
    jdbcUrl = store.createDatabase(database);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setPoolName(database);
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(0);
    dataSource = new HikariDataSource(config);
  }

  @Override
  void tearDown() {
    dataSource.close();
  }

  /** The class's database name. */
  public String database() {
    return name();
  }

  /** The JDBC URL of the class's database, with user and password as parameters. */
  public String jdbcUrl() {
    store();
    return jdbcUrl;
  }

  /**
   * A small connection pool (HikariCP, 4 connections) on the class's database, closed after the
   * class.
   */
  public DataSource dataSource() {
    store();
    return dataSource;
  }
}
