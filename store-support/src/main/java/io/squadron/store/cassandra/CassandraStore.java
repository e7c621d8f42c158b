package io.squadron.store.cassandra;

import static java.util.Objects.requireNonNull;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.InvalidKeyspaceException;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import io.squadron.store.StoreUnavailableException;
import io.squadron.store.cassandra.internal.NoRetryPolicy;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's Cassandra session, bound to its keyspace:
 *
 * <pre>{@code
 * CassandraStore cassandra = CassandraStore.open(CassandraSettings.from(config), "padlock");
 * cassandra.migrate("padlock", "cql/padlock");       // src/main/resources/cql/padlock/V1__user_keys.cql, ...
 * CqlSession session = cassandra.session();          // prepare statements; unqualified tables are the keyspace's
 * server.readinessCheck("cassandra", cassandra::isReachable);
 * }</pre>
 *
 * <p>The session fails fast: the driver never retries a statement, and a statement that takes
 * longer than the request timeout fails. By default statements run at LOCAL_QUORUM (lightweight
 * transactions at LOCAL_SERIAL); set another consistency per statement where a service wants it.
 * Dead or paused nodes are noticed within about a second (heartbeats), and reconnection is tried
 * every 0.2 to 2 s, so the service recovers by itself when the node returns. Failures of {@link
 * #open} and {@link #migrate} that mean "cannot reach Cassandra" are {@link
 * StoreUnavailableException}s.
 */
public final class CassandraStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CassandraStore.class);
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  private final CqlSession session;
  private final CassandraSettings settings;
  private final CqlMigrator migrator;

  private CassandraStore(CqlSession session, CassandraSettings settings, String sessionName) {
    this.session = session;
    this.settings = settings;
    this.migrator =
        new CqlMigrator(session, settings.keyspace(), settings.schemaTimeout(), sessionName);
  }

  /**
   * Connects to {@code settings.endpoint()}, creates the keyspace if it is missing (with {@code
   * settings.replication()}), and returns a session bound to it.
   *
   * @param sessionName names the session in the driver's logs (the service's name)
   * @throws StoreUnavailableException when Cassandra cannot be reached within the connect timeout
   * @throws IllegalStateException when the keyspace cannot be created (no permission, bad
   *     replication)
   */
  public static CassandraStore open(CassandraSettings settings, String sessionName) {
    requireNonNull(settings, "settings");
    requireNonNull(sessionName, "sessionName");
    DriverConfigLoader config = driverConfig(settings, sessionName);
    CqlSession session;
    try {
      session = connect(settings, config, true);
    } catch (InvalidKeyspaceException missing) {
      createKeyspace(settings, config);
      session = connect(settings, config, true);
    }
    return new CassandraStore(session, settings, sessionName);
  }

  private static CqlSession connect(
      CassandraSettings settings, DriverConfigLoader config, boolean withKeyspace) {
    try {
      var builder =
          CqlSession.builder()
              .addContactPoints(settings.endpoint().contactPoints())
              .withLocalDatacenter(settings.endpoint().localDatacenter())
              .withConfigLoader(config);
      if (withKeyspace) {
        builder.withKeyspace(CqlIdentifier.fromInternal(settings.keyspace()));
      }
      return builder.build();
    } catch (InvalidKeyspaceException e) {
      throw e;
    } catch (DriverException e) {
      log.warn("cassandra at {} unreachable: {}", settings.endpoint(), e.toString());
      throw new StoreUnavailableException("cassandra", "connect", e);
    }
  }

  private static void createKeyspace(CassandraSettings settings, DriverConfigLoader config) {
    try (CqlSession admin = connect(settings, config, false)) {
      String cql =
          "CREATE KEYSPACE IF NOT EXISTS "
              + settings.keyspace()
              + " WITH replication = "
              + settings.replication().toCql();
      log.info(
          "cassandra: creating keyspace {} with replication {}",
          settings.keyspace(),
          settings.replication().toCql());
      admin.execute(SimpleStatement.newInstance(cql).setTimeout(settings.schemaTimeout()));
      if (!admin.checkSchemaAgreement()) {
        log.warn(
            "cassandra: nodes disagree on the schema after creating keyspace {}",
            settings.keyspace());
      }
    } catch (QueryValidationException e) {
      throw new IllegalStateException(
          "cassandra: cannot create keyspace " + settings.keyspace() + ": " + e.getMessage(), e);
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "create keyspace", e);
    }
  }

  static DriverConfigLoader driverConfig(CassandraSettings settings, String sessionName) {
    return DriverConfigLoader.programmaticBuilder()
        .withString(DefaultDriverOption.SESSION_NAME, sessionName)
        .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, settings.requestTimeout())
        .withString(DefaultDriverOption.REQUEST_CONSISTENCY, ConsistencyLevel.LOCAL_QUORUM.name())
        .withString(
            DefaultDriverOption.REQUEST_SERIAL_CONSISTENCY, ConsistencyLevel.LOCAL_SERIAL.name())
        .withBoolean(DefaultDriverOption.REQUEST_DEFAULT_IDEMPOTENCE, false)
        .withClass(DefaultDriverOption.RETRY_POLICY_CLASS, NoRetryPolicy.class)
        .withDuration(DefaultDriverOption.CONNECTION_CONNECT_TIMEOUT, settings.connectTimeout())
        .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, settings.connectTimeout())
        .withDuration(DefaultDriverOption.CONTROL_CONNECTION_TIMEOUT, settings.connectTimeout())
        .withDuration(
            DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, settings.connectTimeout())
        .withDuration(
            DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, settings.schemaTimeout())
        // A schema statement completes only after the driver's metadata refresh, which waits this
        // window for more
        // changes: the default 1 s made every CREATE of a migration a second slower.
        .withDuration(DefaultDriverOption.METADATA_SCHEMA_WINDOW, Duration.ofMillis(50))
        // Notice a dead or paused node within about a second, and come back quickly when it
        // returns.
        .withDuration(
            DefaultDriverOption.HEARTBEAT_INTERVAL, heartbeatInterval(settings.requestTimeout()))
        .withDuration(DefaultDriverOption.HEARTBEAT_TIMEOUT, settings.requestTimeout())
        .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(200))
        .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(2))
        .build();
  }

  /** A heartbeat must time out before the next one is due. */
  static Duration heartbeatInterval(Duration requestTimeout) {
    Duration twice = requestTimeout.multipliedBy(2);
    return twice.compareTo(Duration.ofSeconds(1)) > 0 ? twice : Duration.ofSeconds(1);
  }

  /**
   * Applies the versioned CQL files {@code V<n>__<description>.cql} under the class path location
   * {@code classpathLocation} that are not applied yet, in version order, and records each in the
   * keyspace's {@code schema_history} table under {@code name}. Statements are separated by {@code
   * ;}; comments ({@code --}, {@code //}, {@code /* *}{@code /}) are allowed; table names without a
   * keyspace are the store's keyspace's. Instances starting at once apply each version once (a lock
   * row with a lease); a version that failed half way is applied again from its first statement at
   * the next start, so write statements that can run twice ({@code IF NOT EXISTS}).
   *
   * @param name the schema's name in the history, e.g. the service's name; several schemas (a
   *     service's, a library's) share a keyspace under different names
   * @return how many versions this call applied
   * @throws IllegalStateException when an applied version's file changed or is gone, a new version
   *     is older than an applied one, or a statement is rejected
   * @throws IllegalArgumentException when the location has no such file, or a {@code .cql} file is
   *     misnamed
   * @throws StoreUnavailableException when Cassandra cannot be reached
   */
  public int migrate(String name, String classpathLocation) {
    requireNonNull(name, "name");
    requireNonNull(classpathLocation, "classpathLocation");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: " + NAME.pattern() + ")");
    }
    List<CqlScript> scripts =
        CqlScripts.load(
            Thread.currentThread().getContextClassLoader() != null
                ? Thread.currentThread().getContextClassLoader()
                : CassandraStore.class.getClassLoader(),
            classpathLocation);
    return migrator.migrate(name, classpathLocation, scripts);
  }

  /** The session, bound to {@link #keyspace()}; closed by {@link #close()}. */
  public CqlSession session() {
    return session;
  }

  /** The keyspace the session is bound to. */
  public String keyspace() {
    return settings.keyspace();
  }

  /** The settings this store was opened with. */
  public CassandraSettings settings() {
    return settings;
  }

  /**
   * Whether a node answers a trivial query within the request timeout (a readiness check: cheap,
   * never throws).
   */
  public boolean isReachable() {
    try {
      session.execute(
          SimpleStatement.newInstance("SELECT release_version FROM system.local")
              .setTimeout(settings.requestTimeout()));
      return true;
    } catch (DriverException e) {
      log.debug("cassandra readiness check failed: {}", e.getClass().getSimpleName());
      return false;
    }
  }

  /** Closes the session. */
  @Override
  public void close() {
    session.close();
  }
}
