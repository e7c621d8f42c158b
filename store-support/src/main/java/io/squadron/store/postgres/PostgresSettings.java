package io.squadron.store.postgres;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;

/**
 * How a service reaches its PostgreSQL database: {@code squadron.stores.postgres} (defaults and
 * documentation in this module's {@code reference.conf}). Tools ({@code squadron up}, tests) fill
 * {@code url} with a database of the service's own.
 *
 * @param url the JDBC URL, {@code jdbc:postgresql://host:port/database}, user and password as
 *     parameters
 * @param poolSize the most connections the pool holds
 * @param connectionTimeout how long a call waits for a connection before it fails fast (and the
 *     longest a start waits for the first one)
 */
public record PostgresSettings(String url, int poolSize, Duration connectionTimeout) {
  /** {@code squadron.stores.postgres}. */
  public static final String PATH = "squadron.stores.postgres";

  /** The default of {@code pool-size}. */
  public static final int DEFAULT_POOL_SIZE = 16;

  /** The default of {@code connection-timeout}. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);

  /** Validates. */
  public PostgresSettings {
    requireNonNull(url, "url");
    requireNonNull(connectionTimeout, "connectionTimeout");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "url: "
              + redact(url)
              + " (expected: jdbc:postgresql://host:port/database"
              + "?user=...&password=...)");
    }
    if (poolSize < 1 || poolSize > 1000) {
      throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: 1..1000)");
    }
    // HikariCP's lower bound.
    if (connectionTimeout.compareTo(Duration.ofMillis(250)) < 0) {
      throw new IllegalArgumentException(
          "connectionTimeout: " + connectionTimeout + " (expected: >= 250ms)");
    }
  }

  /** Settings for {@code url} with the default pool size and connection timeout. */
  public static PostgresSettings of(String url) {
    return new PostgresSettings(url, DEFAULT_POOL_SIZE, DEFAULT_CONNECTION_TIMEOUT);
  }

  /**
   * Reads {@value #PATH}.
   *
   * @throws InvalidConfigException naming the bad key
   */
  public static PostgresSettings from(Config root) {
    ConfigReader pg = ConfigReader.at(root, PATH);
    String url = pg.nonEmptyString("url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new InvalidConfigException(
          pg.key("url"),
          redact(url) + " (expected: jdbc:postgresql://host:port/database?user=...&password=...)");
    }
    Duration timeout = pg.positiveDuration("connection-timeout");
    if (timeout.compareTo(Duration.ofMillis(250)) < 0) {
      throw new InvalidConfigException(
          pg.key("connection-timeout"), timeout + " (expected: >= 250ms)");
    }
    return new PostgresSettings(url, pg.intInRange("pool-size", 1, 1000), timeout);
  }

  /** The URL without its parameters (no password), for logs and messages. */
  public String redactedUrl() {
    return redact(url);
  }

  /** A copy with another pool size. */
  public PostgresSettings withPoolSize(int size) {
    return new PostgresSettings(url, size, connectionTimeout);
  }

  /** A copy with another connection timeout. */
  public PostgresSettings withConnectionTimeout(Duration timeout) {
    return new PostgresSettings(url, poolSize, timeout);
  }

  @Override
  public String toString() {
    return "PostgresSettings{url="
        + redactedUrl()
        + ", poolSize="
        + poolSize
        + ", connectionTimeout="
        + connectionTimeout
        + "}";
  }

  static String redact(String url) {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }
}
