package io.squadron.store.postgres;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.store.StoreUnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's PostgreSQL database: a HikariCP pool, versioned schemas by Flyway, and a readiness
 * check.
 *
 * <pre>{@code
 * PostgresStore pg = PostgresStore.open(PostgresSettings.from(config), "userdb", registry);
 * pg.migrate("userdb", "db/userdb");                 // src/main/resources/db/userdb/V1__users.sql, ...
 * DataSource ds = pg.dataSource();
 * server.readinessCheck("postgres", pg::isReachable);
 * ...
 * } catch (SQLException e) {
 *   throw PostgresStore.unavailable("read user", e);   // UNAVAILABLE through StoreErrors.exceptionMapper()
 * }
 * }</pre>
 *
 * <p>Several schemas share one database without clashing: each {@link #migrate} name has its own
 * Flyway history table, {@code flyway_history_<name>} (a service's own tables, a library's outbox
 * or control tables). A call that cannot get a connection within the connection timeout fails at
 * once; nothing retries.
 */
public final class PostgresStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresStore.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,40}");

  private final HikariDataSource dataSource;
  private final PostgresSettings settings;

  private PostgresStore(HikariDataSource dataSource, PostgresSettings settings) {
    this.dataSource = dataSource;
    this.settings = settings;
  }

  /**
   * Opens the pool and waits (at most the connection timeout) for its first connection.
   *
   * @param poolName names the pool in logs and metrics (the service's name)
   * @param registry where the pool's metrics go ({@code hikaricp_*}, tagged with the pool name);
   *     null for none
   * @throws StoreUnavailableException when no connection could be made
   */
  public static PostgresStore open(
      PostgresSettings settings, String poolName, MeterRegistry registry) {
    requireNonNull(settings, "settings");
    requireNonNull(poolName, "poolName");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(settings.url());
    config.setPoolName(poolName);
    config.setMaximumPoolSize(settings.poolSize());
    config.setMinimumIdle(Math.min(2, settings.poolSize()));
    long timeoutMillis = settings.connectionTimeout().toMillis();
    config.setConnectionTimeout(timeoutMillis);
    config.setValidationTimeout(timeoutMillis);
    config.setInitializationFailTimeout(timeoutMillis);
    if (registry != null) {
      config.setMetricRegistry(registry);
    }
    try {
      return new PostgresStore(new HikariDataSource(config), settings);
    } catch (HikariPool.PoolInitializationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      // Connection failures quote no data (host, port, user at most): the operator needs them.
      log.warn("postgres at {} unreachable: {}", settings.redactedUrl(), cause.toString());
      throw new StoreUnavailableException("postgres", "connect", cause);
    }
  }

  /**
   * Applies the versioned SQL migrations ({@code V<n>__<description>.sql}) under the class path
   * location {@code location} that are not applied yet, recorded in the table {@code
   * flyway_history_<name>}. Flyway checks the checksums of applied versions, refuses a changed one,
   * and lets one instance at a time migrate (a PostgreSQL advisory lock), so instances may start
   * together.
   *
   * @param name the schema's name, e.g. the service's or the library's ({@code
   *     [a-z][a-z0-9_]{0,40}})
   * @param location a class path directory, e.g. {@code db/userdb} (or {@code classpath:db/userdb})
   * @return how many versions this call applied
   * @throws IllegalStateException when validation fails (a changed or missing applied version, a
   *     misnamed file, a missing location) or a migration's SQL fails
   * @throws StoreUnavailableException when the database cannot be reached
   */
  public int migrate(String name, String location) {
    return migrate(dataSource, name, location);
  }

  /**
   * As {@link #migrate(String, String)} on any data source: for a library that is handed the
   * service's pool and keeps its own tables there (an outbox, a control table) under its own schema
   * name.
   */
  public static int migrate(DataSource dataSource, String name, String location) {
    requireNonNull(dataSource, "dataSource");
    requireNonNull(name, "name");
    requireNonNull(location, "location");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: " + NAME.pattern() + ")");
    }
    String where = location.contains(":") ? location : "classpath:" + location;
    for (int attempt = 1; ; attempt++) {
      try {
        return migrateOnce(dataSource, name, where);
      } catch (IllegalStateException e) {
        if (attempt >= BASELINE_RACE_ATTEMPTS || !lostBaselineRace(e)) {
          throw e;
        }
        // Another instance created the history table and is writing its baseline row: once that
        // row is there, Flyway's own advisory lock orders the migrations.
        log.info("schema '{}': another instance is baselining its history; retrying", name);
        sleepQuietly(100L * attempt);
      }
    }
  }

  /** Attempts of a migration that lost the race to baseline an empty schema history. */
  private static final int BASELINE_RACE_ATTEMPTS = 20;

  /**
   * Flyway takes its advisory lock only once the history table has its baseline, and decides to
   * baseline before it has the lock: instances that start together on a fresh database race to
   * create and baseline the history table. A loser finds it "already exists, and is empty" (the
   * winner is between creating and baselining it), "already contains migrations" or "has already
   * been baselined" (the winner is done), or trips over the winner's create or insert. Whichever it
   * is, the next attempt finds the table baselined and takes Flyway's lock like any later start.
   */
  static boolean lostBaselineRace(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (t instanceof FlywayException
          && message != null
          && message.contains("Unable to baseline schema history table")) {
        return true;
      }
      if (t instanceof SQLException sql
          && ("42P07".equals(sql.getSQLState()) || "23505".equals(sql.getSQLState()))
          && message != null
          && message.contains("flyway_history_")) {
        return true;
      }
    }
    return false;
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to migrate", e);
    }
  }

  private static int migrateOnce(DataSource dataSource, String name, String where) {
    try {
      return Flyway.configure()
          .dataSource(dataSource)
          .locations(where)
          .table(historyTable(name))
          // Other schemas' tables may be in the database already: start this one's history at
          // version 0.
          .baselineOnMigrate(true)
          .baselineVersion("0")
          .failOnMissingLocations(true)
          .validateMigrationNaming(true)
          .load()
          .migrate()
          .migrationsExecuted;
    } catch (FlywayException e) {
      if (unreachable(e)) {
        throw new StoreUnavailableException("postgres", "migrate " + name, e);
      }
      throw new IllegalStateException(
          "postgres schema '" + name + "' (" + where + "): " + e.getMessage(), e);
    }
  }

  /** The Flyway history table of schema {@code name}. */
  public static String historyTable(String name) {
    return "flyway_history_" + name;
  }

  private static boolean unreachable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          || (t instanceof SQLException sql
              && sql.getSQLState() != null
              && sql.getSQLState().startsWith("08"))) {
        return true;
      }
    }
    return false;
  }

  /** The pool; closed by {@link #close()}. */
  public DataSource dataSource() {
    return dataSource;
  }

  /** The settings this store was opened with. */
  public PostgresSettings settings() {
    return settings;
  }

  /**
   * Whether the database answers: a connection from the pool within the connection timeout, checked
   * by the driver with a timeout of its own (a readiness check: never throws).
   */
  public boolean isReachable() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid((int) Math.max(1, settings.connectionTimeout().toSeconds()));
    } catch (SQLException e) {
      log.debug("postgres readiness check failed: {}", e.getClass().getSimpleName());
      return false;
    }
  }

  /**
   * The exception for a failed {@code operation}: names the operation and the failure's type and
   * SQLState, never the driver's message (it may quote the statement's values).
   */
  public static StoreUnavailableException unavailable(String operation, SQLException failure) {
    return new StoreUnavailableException("postgres", operation, failure);
  }

  /** Closes the pool. */
  @Override
  public void close() {
    dataSource.close();
  }
}
