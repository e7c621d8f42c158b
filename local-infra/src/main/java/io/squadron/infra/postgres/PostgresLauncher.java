package io.squadron.infra.postgres;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import io.squadron.infra.process.Ports;
import io.squadron.infra.process.RunDir;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts a real PostgreSQL 17 server on 127.0.0.1 and a free port, with its data directory in a
 * private work directory and test-friendly durability settings ({@code fsync=off}, {@code
 * synchronous_commit=off}, {@code full_page_writes=off}: a crash may lose data, a clean stop does
 * not).
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresLauncher.builder().start()) {
 *     String url = pg.jdbcUrl(); // jdbc:postgresql://127.0.0.1:PORT/postgres?user=postgres&password=...
 * }
 * }</pre>
 */
public final class PostgresLauncher {
  /**
   * How long a start may take by default (the first start unpacks the binaries: ~4 s; later ones ~2
   * s).
   */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  private Path workRoot = RunDir.defaultRoot();
  private Duration startTimeout = DEFAULT_START_TIMEOUT;
  private final Map<String, String> serverConfig =
      new LinkedHashMap<>(
          Map.of(
              "fsync", "off",
              "synchronous_commit", "off",
              "full_page_writes", "off"));

  private PostgresLauncher() {}

  /** A launcher with the defaults. */
  public static PostgresLauncher builder() {
    return new PostgresLauncher();
  }

  /**
   * Where work directories go (default {@link RunDir#defaultRoot()}: /dev/shm/squadron-infra when
   * it has room, else java.io.tmpdir/squadron-infra).
   */
  public PostgresLauncher workRoot(Path workRoot) {
    this.workRoot = requireNonNull(workRoot, "workRoot");
    return this;
  }

  /** How long a start may take (default 60 s). */
  public PostgresLauncher startTimeout(Duration startTimeout) {
    requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout: " + startTimeout + " (expected: > 0)");
    }
    this.startTimeout = startTimeout;
    return this;
  }

  /**
   * Sets a {@code postgresql.conf} parameter, e.g. {@code serverConfig("max_connections", "300")}.
   */
  public PostgresLauncher serverConfig(String key, String value) {
    requireNonNull(key, "key");
    requireNonNull(value, "value");
    if (key.equals("port")
        || key.equals("listen_addresses")
        || key.equals("unix_socket_directories")) {
      throw new IllegalArgumentException(
          "serverConfig: " + key + " (expected: not one the launcher sets)");
    }
    serverConfig.put(key, value);
    return this;
  }

  /**
   * Starts the server and waits until a JDBC connection with the user and password of {@link
   * PostgresServer#jdbcUrl()} runs a query.
   *
   * @throws InfraStartException if it does not become ready in time
   */
  public PostgresServer start() {
    byte[] secret = new byte[12];
    new SecureRandom().nextBytes(secret);
    PostgresServer server =
        new PostgresServer(
            RunDir.create(workRoot, "postgres"),
            Ports.random().next(),
            HexFormat.of().formatHex(secret),
            Map.copyOf(serverConfig),
            startTimeout);
    server.start();
    return server;
  }
}
