package io.squadron.store.postgres;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Pattern;

/**
 * For tools that give each service a database of its own on a shared server ({@code squadron up},
 * tests): creates it if missing and hands back its JDBC URL.
 */
public final class PostgresDatabases {
  private static final Pattern DATABASE = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  private static final String PREFIX = "jdbc:postgresql://";
  private static final String DUPLICATE_DATABASE = "42P04";

  private PostgresDatabases() {}

  /**
   * Creates {@code database} on the server of {@code adminJdbcUrl} unless it exists, and returns
   * its JDBC URL: the admin URL with its database replaced (same hosts, user, password and
   * parameters). Safe when several tools call it at once.
   *
   * @param adminJdbcUrl {@code jdbc:postgresql://host:port[/database][?user=...&password=...]} of a
   *     user that may create databases
   * @param database the name, {@code [a-z_][a-z0-9_]{0,62}} (service names map {@code -} to {@code
   *     _})
   * @throws SQLException when the server cannot be reached or refuses
   */
  public static String ensure(String adminJdbcUrl, String database) throws SQLException {
    String url = withDatabase(adminJdbcUrl, database);
    try (Connection c = DriverManager.getConnection(adminJdbcUrl)) {
      try (PreparedStatement s =
          c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
        s.setString(1, database);
        try (ResultSet r = s.executeQuery()) {
          if (r.next()) {
            return url;
          }
        }
      }
      try (Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + database); // validated above: a plain lower-case identifier
      } catch (SQLException e) {
        if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
          throw e;
        }
      }
    }
    return url;
  }

  /**
   * {@code url} ({@code jdbc:postgresql://hosts[/database][?params]}) with its database replaced.
   */
  static String withDatabase(String url, String database) {
    requireNonNull(url, "adminJdbcUrl");
    requireNonNull(database, "database");
    if (!DATABASE.matcher(database).matches()) {
      throw new IllegalArgumentException(
          "database: '" + database + "' (expected: " + DATABASE.pattern() + ")");
    }
    if (!url.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "adminJdbcUrl: "
              + PostgresSettings.redact(url)
              + " (expected: "
              + PREFIX
              + "host:port[/database][?user=...&password=...])");
    }
    int query = url.indexOf('?');
    String params = query < 0 ? "" : url.substring(query);
    String hostsAndDb = url.substring(PREFIX.length(), query < 0 ? url.length() : query);
    int slash = hostsAndDb.indexOf('/');
    String hosts = slash < 0 ? hostsAndDb : hostsAndDb.substring(0, slash);
    return PREFIX + hosts + "/" + database + params;
  }
}
