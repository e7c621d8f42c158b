package io.squadron.userdb.store.cassandra;

import static java.util.Objects.requireNonNull;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import io.squadron.store.StoreUnavailableException;
import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.store.cassandra.CassandraStore;
import io.squadron.userdb.store.AbandonOutcome;
import io.squadron.userdb.store.CreateAbandonedException;
import io.squadron.userdb.store.PendingCreate;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.UpdateOutcome;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UsernameConflictException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Accounts in Cassandra, in four tables: {@code users} by id, the claim tables {@code usernames}
 * (canonical name to id) and {@code username_skeletons} (skeleton to id), which make names unique,
 * and {@code pending_creates}, the ids whose row is not settled (the orphan sweeper's work list).
 *
 * <p>Every write that decides something is a lightweight transaction at {@link #SERIAL} (not
 * LOCAL_SERIAL): a name is unique across all datacenters, and a compare-and-set on a row holds
 * across datacenters too. The price is a round trip to a majority of all replicas per write, and no
 * writes while a majority of them is unreachable; reads stay at LOCAL_QUORUM. A users row is live,
 * or has a {@code state}: {@code pending} (a create claimed its names and has not written the row
 * yet) or {@code abandoned} (its names are being released; the id is never created again). Reads
 * see live rows only. A create writes the work-list entry, the pending row, the claims, then turns
 * the row live with a compare-and-set on the state; the sweeper abandons a pending row with a
 * compare-and-set on its start, so a create and its sweep can never both win. A delete hides the
 * row first (abandoned), then releases the names, then removes it, so a failure half way leaves
 * nothing a reader sees and nothing the sweeper misses.
 *
 * <p>The session is store-support's {@link CassandraStore} (fail fast, no driver retries); the
 * schema is {@code cql/userdb/V*.cql}, applied at start.
 */
public final class CassandraUserStore implements UserStore {
  /**
   * Serial consistency of every lightweight transaction here: names are unique across datacenters.
   */
  public static final ConsistencyLevel SERIAL = ConsistencyLevel.SERIAL;

  private static final String COLUMNS =
      "id, username, canonical_username, username_skeleton, email_cipher, country,"
          + " birth_date_cipher, version, updated_at_micros";
  private static final String DATA =
      "username = ?, canonical_username = ?, username_skeleton = ?, email_cipher = ?,"
          + " country = ?, birth_date_cipher = ?, version = ?, updated_at_micros = ?";
  private static final String PENDING = "pending";
  private static final String ABANDONED = "abandoned";
  private static final int CAS_ATTEMPTS = 5;

  /** The schema's name in the keyspace's {@code schema_history}. */
  static final String SCHEMA_NAME = "userdb";

  /** Where the schema's versioned CQL is on the class path. */
  static final String SCHEMA_LOCATION = "cql/userdb";

  private final CassandraStore store;
  private final CqlSession session;
  private final LongSupplier clockMicros;
  private final PreparedStatement selectRow;
  private final PreparedStatement insertPending;
  private final PreparedStatement refreshPending;
  private final PreparedStatement activate;
  private final PreparedStatement insertRow;
  private final PreparedStatement replaceIfState;
  private final PreparedStatement replaceIfVersion;
  private final PreparedStatement updateRow;
  private final PreparedStatement abandonIfPendingSince;
  private final PreparedStatement abandonIfPending;
  private final PreparedStatement abandonIfVersion;
  private final PreparedStatement deleteAbandoned;
  private final PreparedStatement writeWork;
  private final PreparedStatement deleteWork;
  private final PreparedStatement listWorkFirst;
  private final PreparedStatement listWorkAfter;
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
    String all = COLUMNS + ", state, pending_since_micros";
    selectRow = session.prepare("SELECT " + all + " FROM " + ks + ".users WHERE id = ?");
    insertPending =
        session.prepare(
            "INSERT INTO "
                + ks
                + ".users (id, state, canonical_username, username_skeleton,"
                + " pending_since_micros) VALUES (?, '"
                + PENDING
                + "', ?, ?, ?) IF NOT EXISTS");
    refreshPending =
        session.prepare(
            "UPDATE "
                + ks
                + ".users SET pending_since_micros = ? WHERE id = ?"
                + " IF state = '"
                + PENDING
                + "'");
    activate =
        session.prepare(
            "UPDATE "
                + ks
                + ".users SET "
                + DATA
                + ", state = null, pending_since_micros = null"
                + " WHERE id = ? IF state = '"
                + PENDING
                + "'");
    insertRow =
        session.prepare(
            "INSERT INTO "
                + ks
                + ".users ("
                + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " IF NOT EXISTS");
    replaceIfState =
        session.prepare(
            "UPDATE "
                + ks
                + ".users SET "
                + DATA
                + ", state = null,"
                + " pending_since_micros = null WHERE id = ? IF state = ?");
    replaceIfVersion =
        session.prepare("UPDATE " + ks + ".users SET " + DATA + " WHERE id = ? IF version = ?");
    updateRow =
        session.prepare(
            "UPDATE "
                + ks
                + ".users SET email_cipher = ?, country = ?, birth_date_cipher = ?,"
                + " version = ?, updated_at_micros = ? WHERE id = ? IF version = ?");
    abandonIfPendingSince =
        session.prepare(
            "UPDATE "
                + ks
                + ".users SET state = '"
                + ABANDONED
                + "' WHERE id = ?"
                + " IF state = '"
                + PENDING
                + "' AND pending_since_micros = ?");
    abandonIfPending =
        session.prepare(
            "UPDATE "
                + ks
                + ".users SET state = '"
                + ABANDONED
                + "' WHERE id = ?"
                + " IF state = '"
                + PENDING
                + "'");
    abandonIfVersion =
        session.prepare(
            "UPDATE "
                + ks
                + ".users SET state = '"
                + ABANDONED
                + "' WHERE id = ?"
                + " IF version = ?");
    deleteAbandoned =
        session.prepare("DELETE FROM " + ks + ".users WHERE id = ? IF state = '" + ABANDONED + "'");
    writeWork =
        session.prepare(
            "INSERT INTO "
                + ks
                + ".pending_creates (user_id, canonical_username,"
                + " username_skeleton, started_at_micros) VALUES (?, ?, ?, ?)");
    deleteWork = session.prepare("DELETE FROM " + ks + ".pending_creates WHERE user_id = ?");
    String work =
        "SELECT user_id, canonical_username, username_skeleton, started_at_micros FROM "
            + ks
            + ".pending_creates";
    listWorkFirst = session.prepare(work + " LIMIT ?");
    listWorkAfter = session.prepare(work + " WHERE token(user_id) > token(?) LIMIT ?");
    claimSkeleton =
        session.prepare(
            "INSERT INTO "
                + ks
                + ".username_skeletons (skeleton, user_id, canonical_username)"
                + " VALUES (?, ?, ?) IF NOT EXISTS");
    releaseSkeleton =
        session.prepare(
            "DELETE FROM " + ks + ".username_skeletons WHERE skeleton = ? IF user_id = ?");
    claimName =
        session.prepare(
            "INSERT INTO "
                + ks
                + ".usernames (canonical_username, user_id) VALUES (?, ?)"
                + " IF NOT EXISTS");
    releaseName =
        session.prepare(
            "DELETE FROM " + ks + ".usernames WHERE canonical_username = ? IF user_id = ?");
    selectName =
        session.prepare("SELECT user_id FROM " + ks + ".usernames WHERE canonical_username = ?");
    scanFirst = session.prepare("SELECT " + all + " FROM " + ks + ".users LIMIT ?");
    scanAfter =
        session.prepare(
            "SELECT " + all + " FROM " + ks + ".users WHERE token(id) > token(?) LIMIT ?");
  }

  /**
   * Connects, creates the keyspace if missing, applies the schema and returns the store; {@code
   * clockMicros} times deletions (their work-list entries). The store owns the session: {@link
   * #close()} closes it.
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

  /** A users row in any state. */
  private record Raw(
      Optional<StoredUser> live,
      String state,
      String canonicalUsername,
      String usernameSkeleton,
      long pendingSinceMicros,
      long version) {
    boolean isLive() {
      return live.isPresent();
    }
  }

  @Override
  public void reserve(PendingCreate p) throws UsernameConflictException, CreateAbandonedException {
    try {
      execute(
          writeWork.bind(p.id(), p.canonicalUsername(), p.usernameSkeleton(), p.startedAtMicros()));
      for (int attempt = 0; ; attempt++) {
        Row inserted =
            lwt(
                insertPending.bind(
                    p.id(), p.canonicalUsername(), p.usernameSkeleton(), p.startedAtMicros()));
        if (inserted.getBoolean("[applied]")) {
          break;
        }
        Raw current = raw(inserted);
        if (!current.canonicalUsername().equals(p.canonicalUsername())
            || !current.usernameSkeleton().equals(p.usernameSkeleton())) {
          throw new CreateAbandonedException(); // the id belongs to a create of other names
        }
        if (current.isLive()) {
          return; // the create finished before: its names are claimed, create() returns the row
        }
        if (ABANDONED.equals(current.state())) {
          throw new CreateAbandonedException();
        }
        // Pending: start it again now, so the sweeper leaves it alone.
        if (lwt(refreshPending.bind(p.startedAtMicros(), p.id())).getBoolean("[applied]")) {
          break;
        }
        if (attempt >= CAS_ATTEMPTS) {
          throw new StoreUnavailableException(
              "cassandra", "reserve username", new IllegalStateException("the row kept changing"));
        }
      }
      claim(p.id(), p.canonicalUsername(), p.usernameSkeleton());
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "reserve username", e);
    }
  }

  /** Claims both names for {@code id}; on a conflict, releases what it took and throws. */
  private void claim(UUID id, String canonical, String skeleton) throws UsernameConflictException {
    Row sk = lwt(claimSkeleton.bind(skeleton, id, canonical));
    if (!sk.getBoolean("[applied]") && !id.equals(sk.getUuid("user_id"))) {
      throw new UsernameConflictException(
          canonical.equals(sk.getString("canonical_username"))
              ? UsernameConflictException.Kind.TAKEN
              : UsernameConflictException.Kind.CONFUSABLE);
    }
    Row name = lwt(claimName.bind(canonical, id));
    if (!name.getBoolean("[applied]") && !id.equals(name.getUuid("user_id"))) {
      lwt(releaseSkeleton.bind(skeleton, id));
      throw new UsernameConflictException(UsernameConflictException.Kind.TAKEN);
    }
  }

  private void release(UUID id, String canonical, String skeleton) {
    lwt(releaseName.bind(canonical, id));
    lwt(releaseSkeleton.bind(skeleton, id));
  }

  @Override
  public StoredUser create(StoredUser user) throws CreateAbandonedException {
    try {
      for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        if (lwt(bindData(activate, user).setUuid(8, user.id())).getBoolean("[applied]")) {
          execute(deleteWork.bind(user.id()));
          return user;
        }
        Optional<Raw> current = readSerial(user.id());
        if (current.isPresent() && current.get().isLive()) {
          execute(deleteWork.bind(user.id()));
          return current.get().live().get(); // a concurrent retry finished it
        }
        if (current.isEmpty() || ABANDONED.equals(current.get().state())) {
          // Given up meanwhile (or never reserved): whatever this attempt claimed goes back.
          release(user.id(), user.canonicalUsername(), user.usernameSkeleton());
          throw new CreateAbandonedException();
        }
      }
      throw new StoreUnavailableException(
          "cassandra", "create user", new IllegalStateException("the row kept changing"));
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "create user", e);
    }
  }

  @Override
  public Optional<StoredUser> get(UUID id) {
    try {
      Row row = execute(selectRow.bind(id)).one();
      return row == null ? Optional.empty() : raw(row).live();
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
      // A claim without a live row (a create half way, a delete half way) or a row with another
      // name matches nothing.
      return get(claim.getUuid("user_id")).filter(u -> u.canonicalUsername().equals(canonical));
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "read username", e);
    }
  }

  @Override
  public UpdateOutcome update(StoredUser user) {
    try {
      Row r =
          lwt(
              updateRow.bind(
                  ByteBuffer.wrap(user.emailCipher()),
                  user.country(),
                  user.birthDateCipher().map(ByteBuffer::wrap).orElse(null),
                  user.version(),
                  user.updatedAtMicros(),
                  user.id(),
                  user.version() - 1));
      if (r.getBoolean("[applied]")) {
        return UpdateOutcome.APPLIED;
      }
      // Live rows always have a version; a missing, pending or abandoned one has none.
      boolean live = r.getColumnDefinitions().contains("version") && !r.isNull("version");
      return live ? UpdateOutcome.CONFLICT : UpdateOutcome.NOT_FOUND;
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "update user", e);
    }
  }

  @Override
  public boolean delete(UUID id) {
    try {
      for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        Optional<Raw> found = readSerial(id);
        if (found.isEmpty()) {
          return false;
        }
        Raw current = found.get();
        // Listed first: a failure after the row is hidden leaves work the sweeper finds.
        execute(
            writeWork.bind(
                id,
                current.canonicalUsername(),
                current.usernameSkeleton(),
                clockMicros.getAsLong()));
        boolean hidden;
        if (current.isLive()) {
          hidden = lwt(abandonIfVersion.bind(id, current.version())).getBoolean("[applied]");
        } else if (PENDING.equals(current.state())) {
          hidden = lwt(abandonIfPending.bind(id)).getBoolean("[applied]");
        } else {
          hidden = true;
        }
        if (hidden) {
          settleAbandoned(id, current.canonicalUsername(), current.usernameSkeleton());
          return current.isLive();
        }
      }
      throw new StoreUnavailableException(
          "cassandra", "delete user", new IllegalStateException("the row kept changing"));
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "delete user", e);
    }
  }

  /** Releases the names of an abandoned row, removes it and its work-list entry. */
  private void settleAbandoned(UUID id, String canonical, String skeleton) {
    release(id, canonical, skeleton);
    lwt(deleteAbandoned.bind(id));
    execute(deleteWork.bind(id));
  }

  @Override
  public void copy(StoredUser user) throws UsernameConflictException {
    try {
      claim(user.id(), user.canonicalUsername(), user.usernameSkeleton());
      for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        Row inserted = lwt(bindData(insertRow, user));
        if (inserted.getBoolean("[applied]")) {
          return;
        }
        Raw current = raw(inserted);
        BoundStatement replace;
        if (!current.isLive()) {
          replace =
              bindData(replaceIfState, user).setUuid(8, user.id()).setString(9, current.state());
        } else if (current.version() >= user.version()) {
          return; // the same or a newer version is here already
        } else {
          replace =
              bindData(replaceIfVersion, user).setUuid(8, user.id()).setLong(9, current.version());
        }
        if (lwt(replace).getBoolean("[applied]")) {
          return;
        }
      }
      throw new StoreUnavailableException(
          "cassandra", "copy user", new IllegalStateException("the row kept changing"));
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "copy user", e);
    }
  }

  @Override
  public List<StoredUser> scan(Optional<UUID> after, int limit) {
    try {
      List<StoredUser> users = new ArrayList<>();
      Optional<UUID> cursor = after;
      // Rows that are not live are skipped; keep reading so a page is empty only at the end of the
      // table.
      while (users.size() < limit) {
        int want = limit - users.size();
        ResultSet rows =
            execute(cursor.isPresent() ? scanAfter.bind(cursor.get(), want) : scanFirst.bind(want));
        int read = 0;
        for (Row row : rows) {
          read++;
          cursor = Optional.of(row.getUuid("id"));
          raw(row).live().ifPresent(users::add);
        }
        if (read < want) {
          break;
        }
      }
      return users;
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "scan users", e);
    }
  }

  @Override
  public List<PendingCreate> unfinishedCreates(long startedBeforeMicros, int limit) {
    try {
      List<PendingCreate> stale = new ArrayList<>();
      Optional<UUID> cursor = Optional.empty();
      int page = 500;
      // The work list is short (creates in flight and what failures left), so it is read whole,
      // page by page.
      while (stale.size() < limit) {
        ResultSet rows =
            execute(
                cursor.isPresent()
                    ? listWorkAfter.bind(cursor.get(), page)
                    : listWorkFirst.bind(page));
        int read = 0;
        for (Row row : rows) {
          read++;
          cursor = Optional.of(row.getUuid("user_id"));
          if (row.getLong("started_at_micros") < startedBeforeMicros && stale.size() < limit) {
            stale.add(
                new PendingCreate(
                    row.getUuid("user_id"),
                    row.getString("canonical_username"),
                    row.getString("username_skeleton"),
                    row.getLong("started_at_micros")));
          }
        }
        if (read < page) {
          break;
        }
      }
      return stale;
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "list pending creates", e);
    }
  }

  @Override
  public AbandonOutcome abandon(PendingCreate pending) {
    UUID id = pending.id();
    try {
      Optional<Raw> found = readSerial(id);
      if (found.isEmpty()) {
        // Listed, but no row: a create that died before writing it, or a delete that finished all
        // but the list.
        release(id, pending.canonicalUsername(), pending.usernameSkeleton());
        return AbandonOutcome.ABANDONED;
      }
      Raw current = found.get();
      if (current.isLive()) {
        execute(deleteWork.bind(id));
        return AbandonOutcome.FINISHED;
      }
      if (PENDING.equals(current.state())) {
        if (current.pendingSinceMicros() > pending.startedAtMicros()
            || !lwt(abandonIfPendingSince.bind(id, current.pendingSinceMicros()))
                .getBoolean("[applied]")) {
          return AbandonOutcome.RETRIED;
        }
      }
      release(id, current.canonicalUsername(), current.usernameSkeleton());
      return AbandonOutcome.ABANDONED;
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "abandon pending create", e);
    }
  }

  @Override
  public void forget(UUID id) {
    try {
      for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        Optional<Raw> found = readSerial(id);
        if (found.isEmpty() || found.get().isLive()) {
          execute(deleteWork.bind(id));
          return;
        }
        Raw current = found.get();
        if (ABANDONED.equals(current.state())
            || lwt(abandonIfPending.bind(id)).getBoolean("[applied]")) {
          settleAbandoned(id, current.canonicalUsername(), current.usernameSkeleton());
          return;
        }
      }
      throw new StoreUnavailableException(
          "cassandra", "forget pending create", new IllegalStateException("the row kept changing"));
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "forget pending create", e);
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

  /**
   * Binds the row's data columns, in {@link #DATA} order then the id where the statement is an
   * insert.
   */
  private static BoundStatement bindData(PreparedStatement statement, StoredUser u) {
    ByteBuffer email = ByteBuffer.wrap(u.emailCipher());
    ByteBuffer birth = u.birthDateCipher().map(ByteBuffer::wrap).orElse(null);
    if (statement.getQuery().startsWith("INSERT")) {
      return statement.bind(
          u.id(),
          u.username(),
          u.canonicalUsername(),
          u.usernameSkeleton(),
          email,
          u.country(),
          birth,
          u.version(),
          u.updatedAtMicros());
    }
    return statement
        .bind()
        .setString(0, u.username())
        .setString(1, u.canonicalUsername())
        .setString(2, u.usernameSkeleton())
        .setByteBuffer(3, email)
        .setString(4, u.country())
        .setByteBuffer(5, birth)
        .setLong(6, u.version())
        .setLong(7, u.updatedAtMicros());
  }

  private Optional<Raw> readSerial(UUID id) {
    Row row = execute(selectRow.bind(id).setConsistencyLevel(SERIAL)).one();
    return row == null ? Optional.empty() : Optional.of(raw(row));
  }

  private Row lwt(BoundStatement statement) {
    return execute(statement.setSerialConsistencyLevel(SERIAL)).one();
  }

  private ResultSet execute(BoundStatement statement) {
    return session.execute(statement);
  }

  private static Raw raw(Row r) {
    String state = r.getString("state");
    Optional<StoredUser> live =
        state == null && !r.isNull("version") ? Optional.of(user(r)) : Optional.empty();
    return new Raw(
        live,
        state,
        r.getString("canonical_username"),
        r.getString("username_skeleton"),
        r.isNull("pending_since_micros") ? 0 : r.getLong("pending_since_micros"),
        r.isNull("version") ? 0 : r.getLong("version"));
  }

  private static StoredUser user(Row r) {
    ByteBuffer birth = r.getByteBuffer("birth_date_cipher");
    return new StoredUser(
        r.getUuid("id"),
        r.getString("username"),
        r.getString("canonical_username"),
        r.getString("username_skeleton"),
        bytes(r.getByteBuffer("email_cipher")),
        r.getString("country"),
        Optional.ofNullable(birth).map(CassandraUserStore::bytes),
        r.getLong("version"),
        r.getLong("updated_at_micros"));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
