package io.squadron.userdb.store.postgres;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.store.StoreUnavailableException;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.store.postgres.PostgresStore;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UsernameConflictException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Accounts in PostgreSQL: one {@code users} table with unique constraints on the canonical name and the skeleton.
 * The schema is applied at start by store-support's {@link PostgresStore#migrate} from {@code db/userdb/V*__*.sql}
 * (Flyway: versioned, checksummed, recorded in {@code flyway_history_userdb}).
 */
public final class PostgresUserStore implements UserStore {
  private static final String COLUMNS = "id, username, canonical_username, username_skeleton, email_cipher, country,"
      + " birth_date_cipher, version, updated_at_micros";
  private static final String UNIQUE_VIOLATION = "23505";

  /** The schema's name in the database (its history table is {@code flyway_history_userdb}). */
  static final String SCHEMA_NAME = "userdb";
  /** Where the schema's versioned SQL is on the class path. */
  static final String SCHEMA_LOCATION = "db/userdb";

  private final PostgresStore postgres;
  private final DataSource dataSource;

  private PostgresUserStore(PostgresStore postgres) {
    this.postgres = postgres;
    this.dataSource = postgres.dataSource();
  }

  /** Connects, migrates the schema to the newest version, and returns the store (no pool metrics). */
  public static PostgresUserStore start(PostgresSettings settings) {
    return start(settings, null);
  }

  /**
   * Connects, migrates the schema to the newest version, and returns the store.
   *
   * @param registry where the pool's metrics go; null for none
   * @throws StoreUnavailableException when PostgreSQL cannot be reached
   */
  public static PostgresUserStore start(PostgresSettings settings, MeterRegistry registry) {
    requireNonNull(settings, "settings");
    PostgresStore postgres = PostgresStore.open(settings, "userdb-postgres", registry);
    try {
      PostgresUserStore store = new PostgresUserStore(postgres);
      store.migrate();
      return store;
    } catch (RuntimeException e) {
      postgres.close();
      throw e;
    }
  }

  /** Applies the pending versioned migrations; returns how many ran. */
  int migrate() {
    return postgres.migrate(SCHEMA_NAME, SCHEMA_LOCATION);
  }

  /** The pool, for components that keep their own tables in the same database (the migration control record). */
  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public void create(StoredUser user) throws UsernameConflictException {
    String sql = "INSERT INTO users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (id) DO UPDATE SET email_cipher = EXCLUDED.email_cipher, country = EXCLUDED.country,"
        + " birth_date_cipher = EXCLUDED.birth_date_cipher, version = EXCLUDED.version,"
        + " updated_at_micros = EXCLUDED.updated_at_micros"
        + " WHERE users.updated_at_micros < EXCLUDED.updated_at_micros";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      bindRow(s, user);
      s.executeUpdate();
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw conflict(user);
      }
      throw PostgresStore.unavailable("create user", e);
    }
  }

  private UsernameConflictException conflict(StoredUser user) {
    Optional<StoredUser> sameName = getByCanonicalUsername(user.canonicalUsername());
    return new UsernameConflictException(sameName.isPresent()
        ? UsernameConflictException.Kind.TAKEN : UsernameConflictException.Kind.CONFUSABLE);
  }

  @Override
  public Optional<StoredUser> get(UUID id) {
    return one("SELECT " + COLUMNS + " FROM users WHERE id = ?", s -> s.setObject(1, id));
  }

  @Override
  public Optional<StoredUser> getByCanonicalUsername(String canonical) {
    return one("SELECT " + COLUMNS + " FROM users WHERE canonical_username = ?", s -> s.setString(1, canonical));
  }

  @Override
  public boolean update(StoredUser user) {
    String sql = "UPDATE users SET email_cipher = ?, country = ?, birth_date_cipher = ?, version = ?,"
        + " updated_at_micros = ? WHERE id = ? AND updated_at_micros < ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setBytes(1, user.emailCipher());
      s.setString(2, user.country());
      s.setBytes(3, user.birthDateCipher().orElse(null));
      s.setLong(4, user.version());
      s.setLong(5, user.updatedAtMicros());
      s.setObject(6, user.id());
      s.setLong(7, user.updatedAtMicros());
      if (s.executeUpdate() == 1) {
        return true;
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("update user", e);
    }
    return get(user.id()).isPresent();
  }

  @Override
  public boolean delete(UUID id) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM users WHERE id = ?")) {
      s.setObject(1, id);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      throw PostgresStore.unavailable("delete user", e);
    }
  }

  @Override
  public List<StoredUser> scan(Optional<UUID> after, int limit) {
    String sql = after.isPresent()
        ? "SELECT " + COLUMNS + " FROM users WHERE id > ? ORDER BY id LIMIT ?"
        : "SELECT " + COLUMNS + " FROM users ORDER BY id LIMIT ?";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      int i = 1;
      if (after.isPresent()) {
        s.setObject(i++, after.get());
      }
      s.setInt(i, limit);
      List<StoredUser> users = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          users.add(row(r));
        }
      }
      return users;
    } catch (SQLException e) {
      throw PostgresStore.unavailable("scan users", e);
    }
  }

  @Override
  public boolean isReachable() {
    return postgres.isReachable();
  }

  @Override
  public void close() {
    postgres.close();
  }

  private interface Binder {
    void bind(PreparedStatement s) throws SQLException;
  }

  private Optional<StoredUser> one(String sql, Binder binder) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(row(r)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("read user", e);
    }
  }

  private static void bindRow(PreparedStatement s, StoredUser u) throws SQLException {
    s.setObject(1, u.id());
    s.setString(2, u.username());
    s.setString(3, u.canonicalUsername());
    s.setString(4, u.usernameSkeleton());
    s.setBytes(5, u.emailCipher());
    s.setString(6, u.country());
    s.setBytes(7, u.birthDateCipher().orElse(null));
    s.setLong(8, u.version());
    s.setLong(9, u.updatedAtMicros());
  }

  private static StoredUser row(ResultSet r) throws SQLException {
    return new StoredUser(r.getObject(1, UUID.class), r.getString(2), r.getString(3), r.getString(4), r.getBytes(5),
        r.getString(6), Optional.ofNullable(r.getBytes(7)), r.getLong(8), r.getLong(9));
  }
}
