package io.squadron.userdb.store.postgres;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import java.time.Duration;

/**
 * Where the PostgreSQL store is ({@code squadron.userdb.postgres}).
 *
 * @param url JDBC URL; may carry {@code user} and {@code password} parameters
 * @param poolSize connections in the pool
 * @param connectionTimeout how long a call waits for a connection before failing fast
 */
public record PostgresSettings(String url, int poolSize, Duration connectionTimeout) {
  public PostgresSettings {
    requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("url: must start with jdbc:postgresql:");
    }
    if (poolSize < 1) {
      throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: >= 1)");
    }
    requireNonNull(connectionTimeout, "connectionTimeout");
  }

  /** Reads {@code squadron.userdb.postgres}. */
  public static PostgresSettings from(Config root) {
    ConfigReader pg = ConfigReader.at(root, "squadron.userdb.postgres");
    return new PostgresSettings(pg.nonEmptyString("url"), pg.intInRange("pool-size", 1, 200),
        pg.positiveDuration("connection-timeout"));
  }

  /** The URL without its query string (no password), for logs. */
  public String redactedUrl() {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }
}
