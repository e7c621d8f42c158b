package io.squadron.userdb.store.postgres;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.store.StoreUnavailableException;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.store.postgres.PostgresStore;
import io.squadron.userdb.store.AbandonOutcome;
import io.squadron.userdb.store.CreateAbandonedException;
import io.squadron.userdb.store.PendingCreate;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UpdateOutcome;
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
 * Accounts in PostgreSQL: one {@code users} table with unique constraints on the canonical name and
 * the skeleton, and {@code pending_creates}, the creates that have begun and not finished (they
 * hold their names through partial unique indexes until they finish or are abandoned). Changes are
 * compare-and-set on the version. The schema is applied at start by store-support's {@link
 * PostgresStore#migrate} from {@code db/userdb/V*__*.sql} (Flyway: versioned, checksummed, recorded
 * in {@code flyway_history_userdb}).
 */
public final class PostgresUserStore implements UserStore {
  private static final String COLUMNS =
      "id, username, canonical_username, username_skeleton, email_cipher, country,"
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

  /**
   * Connects, migrates the schema to the newest version, and returns the store (no pool metrics).
   */
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

  /**
   * The pool, for components that keep their own tables in the same database (the migration control
   * record).
   */
  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public String name() {
    return "postgres";
  }

  @Override
  public void reserve(PendingCreate p) throws UsernameConflictException, CreateAbandonedException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        Optional<UsernameConflictException> taken =
            takenByAnother(c, p.id(), p.canonicalUsername(), p.usernameSkeleton());
        if (taken.isPresent()) {
          c.rollback();
          throw taken.get();
        }
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO pending_creates (user_id, canonical_username,"
                    + " username_skeleton, started_at_micros) VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET"
                    + " started_at_micros = EXCLUDED.started_at_micros WHERE NOT pending_creates.abandoned"
                    + " RETURNING canonical_username, username_skeleton")) {
          s.setObject(1, p.id());
          s.setString(2, p.canonicalUsername());
          s.setString(3, p.usernameSkeleton());
          s.setLong(4, p.startedAtMicros());
          try (ResultSet r = s.executeQuery()) {
            // No row: the pending create of this id was abandoned. Other names: the id is another
            // request's.
            if (!r.next()
                || !r.getString(1).equals(p.canonicalUsername())
                || !r.getString(2).equals(p.usernameSkeleton())) {
              c.rollback();
              throw new CreateAbandonedException();
            }
          }
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw pendingConflict(
              c, p.canonicalUsername()); // another pending create holds the name or the skeleton
        }
        throw e;
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("reserve username", e);
    }
  }

  /**
   * TAKEN when a pending create holds {@code canonical} itself, else CONFUSABLE (it holds the
   * skeleton).
   */
  private static UsernameConflictException pendingConflict(Connection c, String canonical)
      throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT 1 FROM pending_creates WHERE canonical_username = ? AND NOT abandoned")) {
      s.setString(1, canonical);
      try (ResultSet r = s.executeQuery()) {
        return new UsernameConflictException(
            r.next()
                ? UsernameConflictException.Kind.TAKEN
                : UsernameConflictException.Kind.CONFUSABLE);
      }
    }
  }

  /** A conflict if a user other than {@code id} has the canonical name or the skeleton. */
  private static Optional<UsernameConflictException> takenByAnother(
      Connection c, UUID id, String canonical, String skeleton) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT canonical_username FROM users"
                + " WHERE (canonical_username = ? OR username_skeleton = ?) AND id <> ? LIMIT 1")) {
      s.setString(1, canonical);
      s.setString(2, skeleton);
      s.setObject(3, id);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new UsernameConflictException(
                canonical.equals(r.getString(1))
                    ? UsernameConflictException.Kind.TAKEN
                    : UsernameConflictException.Kind.CONFUSABLE));
      }
    }
  }

  @Override
  public StoredUser create(StoredUser user)
      throws UsernameConflictException, CreateAbandonedException {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        // The row lock orders this against abandon(): either the row is written and the pending
        // create ends, or
        // the create was abandoned first and nothing is written.
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT abandoned FROM pending_creates WHERE user_id = ? FOR UPDATE")) {
          s.setObject(1, user.id());
          try (ResultSet r = s.executeQuery()) {
            if (r.next() && r.getBoolean(1)) {
              c.rollback();
              throw new CreateAbandonedException();
            }
          }
        }
        StoredUser stored = user;
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO users ("
                    + COLUMNS
                    + ")"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING")) {
          bindRow(s, user);
          if (s.executeUpdate() == 0) {
            stored =
                one(
                        c,
                        "SELECT " + COLUMNS + " FROM users WHERE id = ?",
                        s2 -> s2.setObject(1, user.id()))
                    .orElseThrow(() -> new SQLException("row vanished", "40001"));
          }
        }
        deletePending(c, user.id());
        c.commit();
        return stored;
      } catch (SQLException e) {
        c.rollback();
        if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
          throw conflict(user);
        }
        throw e;
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("create user", e);
    }
  }

  private UsernameConflictException conflict(StoredUser user) {
    Optional<StoredUser> sameName = getByCanonicalUsername(user.canonicalUsername());
    return new UsernameConflictException(
        sameName.isPresent()
            ? UsernameConflictException.Kind.TAKEN
            : UsernameConflictException.Kind.CONFUSABLE);
  }

  @Override
  public Optional<StoredUser> get(UUID id) {
    return one("SELECT " + COLUMNS + " FROM users WHERE id = ?", s -> s.setObject(1, id));
  }

  @Override
  public Optional<StoredUser> getByCanonicalUsername(String canonical) {
    return one(
        "SELECT " + COLUMNS + " FROM users WHERE canonical_username = ?",
        s -> s.setString(1, canonical));
  }

  @Override
  public UpdateOutcome update(StoredUser user) {
    String sql =
        "UPDATE users SET email_cipher = ?, country = ?, birth_date_cipher = ?, version = ?,"
            + " updated_at_micros = ? WHERE id = ? AND version = ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setBytes(1, user.emailCipher());
      s.setString(2, user.country());
      s.setBytes(3, user.birthDateCipher().orElse(null));
      s.setLong(4, user.version());
      s.setLong(5, user.updatedAtMicros());
      s.setObject(6, user.id());
      s.setLong(7, user.version() - 1);
      if (s.executeUpdate() == 1) {
        return UpdateOutcome.APPLIED;
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("update user", e);
    }
    return get(user.id()).isPresent() ? UpdateOutcome.CONFLICT : UpdateOutcome.NOT_FOUND;
  }

  @Override
  public boolean delete(UUID id) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement row = c.prepareStatement("DELETE FROM users WHERE id = ?");
          PreparedStatement pending =
              c.prepareStatement("UPDATE pending_creates SET abandoned = true WHERE user_id = ?")) {
        row.setObject(1, id);
        boolean existed = row.executeUpdate() == 1;
        // A create of this id still in flight must not bring it back: it finds its create
        // abandoned.
        pending.setObject(1, id);
        pending.executeUpdate();
        c.commit();
        return existed;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("delete user", e);
    }
  }

  @Override
  public void copy(StoredUser user) throws UsernameConflictException {
    String sql =
        "INSERT INTO users ("
            + COLUMNS
            + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (id) DO UPDATE SET email_cipher = EXCLUDED.email_cipher, country = EXCLUDED.country,"
            + " birth_date_cipher = EXCLUDED.birth_date_cipher, version = EXCLUDED.version,"
            + " updated_at_micros = EXCLUDED.updated_at_micros WHERE users.version < EXCLUDED.version";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      bindRow(s, user);
      s.executeUpdate();
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        throw conflict(user);
      }
      throw PostgresStore.unavailable("copy user", e);
    }
  }

  @Override
  public List<PendingCreate> unfinishedCreates(long startedBeforeMicros, int limit) {
    String sql =
        "SELECT user_id, canonical_username, username_skeleton, started_at_micros FROM pending_creates"
            + " WHERE started_at_micros < ? ORDER BY started_at_micros LIMIT ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setLong(1, startedBeforeMicros);
      s.setInt(2, limit);
      List<PendingCreate> pending = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          pending.add(
              new PendingCreate(
                  r.getObject(1, UUID.class), r.getString(2), r.getString(3), r.getLong(4)));
        }
      }
      return pending;
    } catch (SQLException e) {
      throw PostgresStore.unavailable("list pending creates", e);
    }
  }

  @Override
  public AbandonOutcome abandon(PendingCreate pending) {
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        AbandonOutcome outcome = abandon(c, pending);
        c.commit();
        return outcome;
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw PostgresStore.unavailable("abandon pending create", e);
    }
  }

  private AbandonOutcome abandon(Connection c, PendingCreate pending) throws SQLException {
    UUID id = pending.id();
    boolean rowExists =
        one(c, "SELECT " + COLUMNS + " FROM users WHERE id = ?", s -> s.setObject(1, id))
            .isPresent();
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT started_at_micros, abandoned FROM pending_creates WHERE user_id = ? FOR UPDATE")) {
      s.setObject(1, id);
      try (ResultSet r = s.executeQuery()) {
        if (!r.next()) {
          return rowExists ? AbandonOutcome.FINISHED : AbandonOutcome.ABANDONED;
        }
        if (r.getBoolean(2)) {
          return AbandonOutcome.ABANDONED;
        }
        if (r.getLong(1) != pending.startedAtMicros()) {
          return AbandonOutcome.RETRIED;
        }
      }
    }
    // Under the row lock: a create that committed meanwhile has deleted the pending row, so read
    // the user again.
    if (rowExists
        || one(c, "SELECT " + COLUMNS + " FROM users WHERE id = ?", s -> s.setObject(1, id))
            .isPresent()) {
      deletePending(c, id);
      return AbandonOutcome.FINISHED;
    }
    try (PreparedStatement s =
        c.prepareStatement("UPDATE pending_creates SET abandoned = true WHERE user_id = ?")) {
      s.setObject(1, id);
      s.executeUpdate();
    }
    return AbandonOutcome.ABANDONED;
  }

  @Override
  public void forget(UUID id) {
    try (Connection c = dataSource.getConnection()) {
      deletePending(c, id);
    } catch (SQLException e) {
      throw PostgresStore.unavailable("forget pending create", e);
    }
  }

  private static void deletePending(Connection c, UUID id) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("DELETE FROM pending_creates WHERE user_id = ?")) {
      s.setObject(1, id);
      s.executeUpdate();
    }
  }

  @Override
  public List<StoredUser> scan(Optional<UUID> after, int limit) {
    String sql =
        after.isPresent()
            ? "SELECT " + COLUMNS + " FROM users WHERE id > ? ORDER BY id LIMIT ?"
            : "SELECT " + COLUMNS + " FROM users ORDER BY id LIMIT ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
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
    try (Connection c = dataSource.getConnection()) {
      return one(c, sql, binder);
    } catch (SQLException e) {
      throw PostgresStore.unavailable("read user", e);
    }
  }

  private static Optional<StoredUser> one(Connection c, String sql, Binder binder)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(row(r)) : Optional.empty();
      }
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
    return new StoredUser(
        r.getObject(1, UUID.class),
        r.getString(2),
        r.getString(3),
        r.getString(4),
        r.getBytes(5),
        r.getString(6),
        Optional.ofNullable(r.getBytes(7)),
        r.getLong(8),
        r.getLong(9));
  }
}
