package io.squadron.infra.postgres;

import io.squadron.infra.process.ManagedServer;
import io.squadron.infra.process.Processes;
import io.squadron.infra.process.RunDir;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A PostgreSQL server started by {@link PostgresLauncher}: superuser {@value #USER} with a random
 * password, database {@value #DATABASE}. The server trusts connections from 127.0.0.1 (as zonky's
 * initdb sets it up); the password is set all the same, so URLs carry it as they would for any
 * other server.
 */
public final class PostgresServer extends ManagedServer {
  /** The superuser. */
  public static final String USER = "postgres";

  /** The database that always exists. */
  public static final String DATABASE = "postgres";

  private final String password;
  private final Map<String, String> serverConfig;
  private final Duration startTimeout;
  private EmbeddedPostgres embedded;
  private boolean passwordSet;

  PostgresServer(
      RunDir runDir,
      int port,
      String password,
      Map<String, String> serverConfig,
      Duration startTimeout) {
    super("postgres", runDir, port, startTimeout);
    this.password = password;
    this.serverConfig = serverConfig;
    this.startTimeout = startTimeout;
  }

  /** The JDBC URL of database {@value #DATABASE}, with user and password as parameters. */
  public String jdbcUrl() {
    return jdbcUrl(DATABASE);
  }

  /** The JDBC URL of {@code database} on this server, with user and password as parameters. */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://"
        + address().getHostString()
        + ":"
        + port()
        + "/"
        + database
        + "?user="
        + USER
        + "&password="
        + password;
  }

  /** The superuser's name, {@value #USER}. */
  public String user() {
    return USER;
  }

  /** The superuser's password. */
  public String password() {
    return password;
  }

  private Path dataDir() {
    return workDir().resolve("data");
  }

  @Override
  protected ProcessHandle launch() throws IOException {
    ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(logFile().toFile());
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setPort(port())
            .setDataDirectory(dataDir())
            .setCleanDataDirectory(false) // initdb runs only when the directory has no cluster yet
            .setRegisterShutdownHook(false) // ours stops it
            .setPGStartupWait(startTimeout)
            .setOutputRedirector(log)
            .setErrorRedirector(log)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("unix_socket_directories", workDir().toString());
    serverConfig.forEach(builder::setServerConfig);
    try {
      embedded = builder.start();
    } catch (IOException | RuntimeException e) {
      postmaster()
          .ifPresent(Processes::killTree); // pg_ctl may have started it before zonky gave up
      throw e;
    }
    return postmaster()
        .orElseThrow(() -> new IOException("postmaster exited right after its start"));
  }

  /** The running postmaster, from the first line of the data directory's {@code postmaster.pid}. */
  private Optional<ProcessHandle> postmaster() {
    try {
      String pid =
          Files.readAllLines(dataDir().resolve("postmaster.pid"), StandardCharsets.UTF_8)
              .get(0)
              .trim();
      return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  protected void checkReady() throws SQLException {
    if (!passwordSet) {
      try (Connection c = DriverManager.getConnection(jdbcUrl());
          Statement s = c.createStatement()) {
        s.execute("ALTER ROLE " + USER + " PASSWORD '" + password + "'");
      }
      passwordSet = true;
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT 1")) {
      if (!rs.next() || rs.getInt(1) != 1) {
        throw new SQLException("SELECT 1 did not return 1");
      }
    }
  }

  @Override
  protected void stopGracefully(ProcessHandle main) {
    closeEmbedded(); // pg_ctl stop -m fast: a clean shutdown with a checkpoint
    Processes.terminateTree(main, 10_000);
  }

  @Override
  protected void halt(ProcessHandle main) {
    stopGracefully(main); // pg_ctl's fast stop takes ~0.2 s and leaves no shared memory behind
  }

  @Override
  protected void afterStop() {
    closeEmbedded();
  }

  private void closeEmbedded() {
    if (embedded != null) {
      try {
        embedded.close();
      } catch (IOException e) {
        // logged by zonky; terminateTree makes sure the server is gone
      }
      embedded = null;
    }
  }

  @Override
  protected Path logFile() {
    return workDir().resolve("postgres.log");
  }
}
