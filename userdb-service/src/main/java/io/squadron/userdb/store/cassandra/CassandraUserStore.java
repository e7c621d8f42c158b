package io.squadron.userdb.store.cassandra;

import static java.util.Objects.requireNonNull;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.squadron.store.StoreUnavailableException;
import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.store.cassandra.CassandraStore;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UsernameConflictException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Accounts in Cassandra, in three tables: {@code users} by id (plain writes, with the row's change time as the write
 * timestamp, so a late copy never wins over a newer change), and the claim tables {@code usernames} (canonical name
 * to id) and {@code username_skeletons} (skeleton to id), written only by lightweight transactions, which make the
 * names unique. A create claims the skeleton, then the name, then writes the row. The session is store-support's
 * {@link CassandraStore} (fail fast: LOCAL_QUORUM, LOCAL_SERIAL, no driver retries); the schema is
 * {@code cql/userdb/V*.cql}, applied at start.
 */
public final class CassandraUserStore implements UserStore {
  private static final String COLUMNS = "id, username, canonical_username, username_skeleton, email_cipher, country,"
      + " birth_date_cipher, version, updated_at_micros";

  /** The schema's name in the keyspace's {@code schema_history}. */
  static final String SCHEMA_NAME = "userdb";
  /** Where the schema's versioned CQL is on the class path. */
  static final String SCHEMA_LOCATION = "cql/userdb";

  private final CassandraStore store;
  private final CqlSession session;
  private final LongSupplier clockMicros;
  private final PreparedStatement insertRow;
  private final PreparedStatement selectRow;
  private final PreparedStatement deleteRow;
  private final PreparedStatement claimSkeleton;
  private final PreparedStatement releaseSkeleton;
  private final PreparedStatement claimName;
  private final PreparedStatement releaseName;
  private final PreparedStatement selectName;
  private final PreparedStatement scanFirst;
  private final PreparedStatement scanAfter;

  private CassandraUserStore(CassandraStore store, LongSupplier clockMicros) {
    this.store = store;
    this.session = store.session();
    String ks = store.keyspace();
    this.clockMicros = clockMicros;
    insertRow = session.prepare("INSERT INTO " + ks + ".users (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " USING TIMESTAMP ?");
    selectRow = session.prepare("SELECT " + COLUMNS + " FROM " + ks + ".users WHERE id = ?");
    deleteRow = session.prepare("DELETE FROM " + ks + ".users USING TIMESTAMP ? WHERE id = ?");
    claimSkeleton = session.prepare("INSERT INTO " + ks + ".username_skeletons (skeleton, user_id, canonical_username)"
        + " VALUES (?, ?, ?) IF NOT EXISTS");
    releaseSkeleton = session.prepare("DELETE FROM " + ks + ".username_skeletons WHERE skeleton = ? IF user_id = ?");
    claimName = session.prepare("INSERT INTO " + ks + ".usernames (canonical_username, user_id) VALUES (?, ?)"
        + " IF NOT EXISTS");
    releaseName = session.prepare("DELETE FROM " + ks + ".usernames WHERE canonical_username = ? IF user_id = ?");
    selectName = session.prepare("SELECT user_id FROM " + ks + ".usernames WHERE canonical_username = ?");
    scanFirst = session.prepare("SELECT " + COLUMNS + " FROM " + ks + ".users LIMIT ?");
    scanAfter = session.prepare("SELECT " + COLUMNS + " FROM " + ks + ".users WHERE token(id) > token(?) LIMIT ?");
  }

  /**
   * Connects, creates the keyspace if missing, applies the schema and returns the store; {@code clockMicros} times
   * deletions. The store owns the session: {@link #close()} closes it.
   *
   * @throws StoreUnavailableException when Cassandra cannot be reached
   */
  public static CassandraUserStore start(CassandraSettings settings, LongSupplier clockMicros) {
    requireNonNull(settings, "settings");
    requireNonNull(clockMicros, "clockMicros");
    CassandraStore store = CassandraStore.open(settings, "userdb");
    try {
      store.migrate(SCHEMA_NAME, SCHEMA_LOCATION);
      return new CassandraUserStore(store, clockMicros);
    } catch (DriverException e) {
      store.close();
      throw new StoreUnavailableException("cassandra", "prepare", e);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  @Override
  public String name() {
    return "cassandra";
  }

  @Override
  public void create(StoredUser user) throws UsernameConflictException {
    try {
      Row skeleton = execute(claimSkeleton.bind(user.usernameSkeleton(), user.id(), user.canonicalUsername())).one();
      if (!skeleton.getBoolean("[applied]") && !user.id().equals(skeleton.getUuid("user_id"))) {
        throw new UsernameConflictException(user.canonicalUsername().equals(skeleton.getString("canonical_username"))
            ? UsernameConflictException.Kind.TAKEN : UsernameConflictException.Kind.CONFUSABLE);
      }
      Row name = execute(claimName.bind(user.canonicalUsername(), user.id())).one();
      if (!name.getBoolean("[applied]") && !user.id().equals(name.getUuid("user_id"))) {
        execute(releaseSkeleton.bind(user.usernameSkeleton(), user.id()));
        throw new UsernameConflictException(UsernameConflictException.Kind.TAKEN);
      }
      write(user);
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "create user", e);
    }
  }

  @Override
  public Optional<StoredUser> get(UUID id) {
    try {
      Row row = execute(selectRow.bind(id)).one();
      return row == null ? Optional.empty() : Optional.of(user(row));
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "read user", e);
    }
  }

  @Override
  public Optional<StoredUser> getByCanonicalUsername(String canonical) {
    try {
      Row claim = execute(selectName.bind(canonical)).one();
      if (claim == null) {
        return Optional.empty();
      }
      // A claim without a row (a create that died half way) or a row with another name matches nothing.
      return get(claim.getUuid("user_id")).filter(u -> u.canonicalUsername().equals(canonical));
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "read username", e);
    }
  }

  @Override
  public boolean update(StoredUser user) {
    Optional<StoredUser> current = get(user.id());
    if (current.isEmpty()) {
      return false;
    }
    if (current.get().updatedAtMicros() < user.updatedAtMicros()) {
      try {
        write(user);
      } catch (DriverException e) {
        throw new StoreUnavailableException("cassandra", "update user", e);
      }
    }
    return true;
  }

  @Override
  public boolean delete(UUID id) {
    Optional<StoredUser> current = get(id);
    if (current.isEmpty()) {
      return false;
    }
    StoredUser user = current.get();
    try {
      long at = Math.max(clockMicros.getAsLong(), user.updatedAtMicros() + 1);
      execute(deleteRow.bind(at, id));
      execute(releaseName.bind(user.canonicalUsername(), id));
      execute(releaseSkeleton.bind(user.usernameSkeleton(), id));
      return true;
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "delete user", e);
    }
  }

  @Override
  public List<StoredUser> scan(Optional<UUID> after, int limit) {
    try {
      ResultSet rows = execute(after.isPresent() ? scanAfter.bind(after.get(), limit) : scanFirst.bind(limit));
      List<StoredUser> users = new ArrayList<>();
      for (Row row : rows) {
        users.add(user(row));
      }
      return users;
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "scan users", e);
    }
  }

  @Override
  public boolean isReachable() {
    return store.isReachable();
  }

  @Override
  public void close() {
    store.close();
  }

  private void write(StoredUser u) {
    execute(insertRow.bind(u.id(), u.username(), u.canonicalUsername(), u.usernameSkeleton(),
        ByteBuffer.wrap(u.emailCipher()), u.country(), u.birthDateCipher().map(ByteBuffer::wrap).orElse(null),
        u.version(), u.updatedAtMicros(), u.updatedAtMicros()));
  }

  private ResultSet execute(BoundStatement statement) {
    return session.execute(statement);
  }

  private static StoredUser user(Row r) {
    ByteBuffer birth = r.getByteBuffer("birth_date_cipher");
    return new StoredUser(r.getUuid("id"), r.getString("username"), r.getString("canonical_username"),
        r.getString("username_skeleton"), bytes(r.getByteBuffer("email_cipher")), r.getString("country"),
        Optional.ofNullable(birth).map(CassandraUserStore::bytes), r.getLong("version"),
        r.getLong("updated_at_micros"));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
