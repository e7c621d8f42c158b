package io.squadron.padlock.server.store;

import static java.util.Objects.requireNonNull;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.uuid.Uuids;
import io.squadron.store.StoreUnavailableException;
import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.store.cassandra.CassandraStore;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Wrapped roots in Cassandra, one row per user in {@code user_keys}:
 *
 * <pre>
 * user_id text PRIMARY KEY, shredded boolean, master_version int, wrapped_root blob, blocked set&lt;text&gt;,
 * created_at timestamp, shredded_at timestamp
 * </pre>
 *
 * <p>Tombstones: a shred overwrites the row in place (empty root, {@code shredded = true}) instead
 * of deleting it, so shredding writes no tombstone at all, and the marker row is what stops a later
 * create (an {@code IF NOT EXISTS} lightweight transaction) from re-creating keys. Only unblocking
 * writes one cell tombstone (a set element removal), a rare, per-user operation.
 *
 * <p>Consistency. Reads are at LOCAL_QUORUM, never at LOCAL_ONE: a replica that missed a shred or a
 * block (down at the time, its hints expired) must never be able to answer alone, and what is read
 * here is cached. Writes that decide a user's state are lightweight transactions at SERIAL, not
 * LOCAL_SERIAL: their Paxos round spans every datacenter, so "a shredded user is never re-created"
 * holds across datacenters (a create in another datacenter sees the marker), at the price of a
 * round trip to the other datacenters and of failing (UNAVAILABLE) when a majority of all replicas
 * cannot be reached. The commit of a shred or a block is at EACH_QUORUM when the keyspace uses
 * NetworkTopologyStrategy (QUORUM otherwise): when it is acknowledged, a LOCAL_QUORUM read in every
 * datacenter sees it. Creates and unblocks commit at LOCAL_QUORUM. The driver itself never retries
 * (store-support's {@link CassandraStore} session). The schema is {@code cql/padlock/V*.cql},
 * applied at connect by {@link CassandraStore#migrate}.
 */
public final class CassandraRootStore implements RootStore {
  private static final String COLUMNS = "user_id, shredded, master_version, wrapped_root, blocked";

  /** Concurrent reads one readAll issues at most. */
  static final int MAX_READS_IN_FLIGHT = 64;

  private final CassandraStore store;
  private final CqlSession session;
  private final CassandraSettings settings;
  private final Clock clock;
  private final PreparedStatement select;
  private final PreparedStatement insert;
  private final PreparedStatement shredExisting;
  private final PreparedStatement shredMissing;
  private final PreparedStatement block;
  private final PreparedStatement unblock;
  private final PreparedStatement rewrap;
  private final PreparedStatement scan;
  private final PreparedStatement logChange;
  private final PreparedStatement changes;
  private final ConsistencyLevel everywhere;

  private static final Duration PREPARE_PATIENCE = Duration.ofSeconds(30);

  private CassandraRootStore(CassandraStore store, Clock clock) {
    this.store = store;
    this.session = store.session();
    this.settings = store.settings();
    this.clock = clock;
    this.everywhere =
        session
                .getMetadata()
                .getKeyspace(settings.keyspace())
                .map(ks -> ks.getReplication().getOrDefault("class", ""))
                .filter(c -> c.endsWith("NetworkTopologyStrategy"))
                .isPresent()
            ? ConsistencyLevel.EACH_QUORUM
            : ConsistencyLevel.QUORUM;
    String table = settings.keyspace() + ".user_keys";
    this.select = prepare("SELECT " + COLUMNS + " FROM " + table + " WHERE user_id = ?");
    this.insert =
        prepare(
            "INSERT INTO "
                + table
                + " (user_id, shredded, master_version, wrapped_root, created_at) VALUES (?, false, ?, ?, ?) IF NOT EXISTS");
    this.shredExisting =
        prepare(
            "UPDATE "
                + table
                + " SET shredded = true, master_version = 0, wrapped_root = 0x, shredded_at = ? WHERE user_id = ? IF EXISTS");
    this.shredMissing =
        prepare(
            "INSERT INTO "
                + table
                + " (user_id, shredded, master_version, wrapped_root, shredded_at) VALUES (?, true, 0, 0x, ?) IF NOT EXISTS");
    this.block =
        prepare(
            "UPDATE " + table + " SET blocked = blocked + ? WHERE user_id = ? IF shredded = false");
    this.unblock =
        prepare(
            "UPDATE " + table + " SET blocked = blocked - ? WHERE user_id = ? IF shredded = false");
    this.rewrap =
        prepare(
            "UPDATE "
                + table
                + " SET wrapped_root = ?, master_version = ? WHERE user_id = ? IF master_version = ?");
    this.scan = prepare("SELECT " + COLUMNS + " FROM " + table);
    String log = settings.keyspace() + ".user_changes";
    this.logChange =
        prepare("INSERT INTO " + log + " (minute, changed_at, user_id) VALUES (?, ?, ?)");
    this.changes =
        prepare(
            "SELECT changed_at, user_id FROM "
                + log
                + " WHERE minute = ? AND changed_at >= minTimeuuid(?)");
  }

  /**
   * Prepares {@code cql}, again while the driver times out for up to {@link #PREPARE_PATIENCE}: a
   * start on a busy machine should not fail for one slow answer when requests are given a short
   * timeout to fail fast.
   */
  private PreparedStatement prepare(String cql) {
    long deadline = System.nanoTime() + PREPARE_PATIENCE.toNanos();
    while (true) {
      try {
        return session.prepare(cql);
      } catch (DriverTimeoutException | HeartbeatException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  /**
   * Connects, creates the keyspace if missing, applies the schema ({@code cql/padlock}) and
   * prepares the statements. The store owns the session: {@link #close()} closes it.
   *
   * @throws StoreUnavailableException when Cassandra cannot be reached
   */
  public static CassandraRootStore connect(CassandraSettings settings, Clock clock) {
    requireNonNull(settings, "settings");
    requireNonNull(clock, "clock");
    CassandraStore store = CassandraStore.open(settings, "padlock");
    try {
      store.migrate("padlock", "cql/padlock");
      return new CassandraRootStore(store, clock);
    } catch (RuntimeException e) {
      store.close();
      throw e instanceof DriverException
          ? new StoreUnavailableException("cassandra", "prepare", e)
          : e;
    }
  }

  @Override
  public Optional<StoredUser> read(String userId) {
    ReadResult result = readAll(List.of(userId), () -> false).get(userId);
    if (result.failure().isPresent()) {
      throw result.failure().get();
    }
    return result.user();
  }

  /**
   * Reads the users in waves of at most {@value #MAX_READS_IN_FLIGHT} concurrent single-partition
   * reads (a cold batch of thousands of users must not flood the node), each wave bounded by the
   * request timeout; stops between waves once {@code abandoned} says the caller has gone (its
   * deadline passed), answering the rest as failed.
   */
  @Override
  public Map<String, ReadResult> readAll(Collection<String> userIds, BooleanSupplier abandoned) {
    List<String> ids = new ArrayList<>(userIds);
    Map<String, ReadResult> results = new LinkedHashMap<>();
    for (int from = 0; from < ids.size(); from += MAX_READS_IN_FLIGHT) {
      if (abandoned.getAsBoolean()) {
        StoreUnavailableException skipped =
            new StoreUnavailableException("cassandra", "read (call abandoned)", null);
        for (String userId : ids.subList(from, ids.size())) {
          results.put(userId, ReadResult.abandoned(skipped));
        }
        break;
      }
      List<String> wave = ids.subList(from, Math.min(ids.size(), from + MAX_READS_IN_FLIGHT));
      Map<String, CompletableFuture<Optional<StoredUser>>> futures = new LinkedHashMap<>();
      for (String userId : wave) {
        futures.put(userId, readAsync(userId));
      }
      // Each read is bounded by the request timeout; this only guards the wave.
      long deadline =
          System.nanoTime()
              + settings.requestTimeout().toNanos()
              + TimeUnit.MILLISECONDS.toNanos(100);
      boolean failedWave = false;
      for (Map.Entry<String, CompletableFuture<Optional<StoredUser>>> e : futures.entrySet()) {
        ReadResult result = await(e.getValue(), deadline);
        failedWave |= result.failure().isPresent();
        results.put(e.getKey(), result);
      }
      if (failedWave) {
        // The node is failing: answer the rest at once instead of waiting on it wave after wave.
        StoreUnavailableException skipped =
            new StoreUnavailableException("cassandra", "read (skipped)", null);
        for (String userId :
            ids.subList(Math.min(ids.size(), from + MAX_READS_IN_FLIGHT), ids.size())) {
          results.put(userId, ReadResult.failed(skipped));
        }
        break;
      }
    }
    return results;
  }

  private CompletableFuture<Optional<StoredUser>> readAsync(String userId) {
    BoundStatement quorum = select.bind(userId).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM);
    return session
        .executeAsync(quorum)
        .toCompletableFuture()
        .thenApply(rs -> Optional.ofNullable(rs.one()).map(CassandraRootStore::toUser));
  }

  private static ReadResult await(
      CompletableFuture<Optional<StoredUser>> future, long deadlineNanos) {
    try {
      long wait = Math.max(0, deadlineNanos - System.nanoTime());
      return ReadResult.of(future.get(wait, TimeUnit.NANOSECONDS));
    } catch (ExecutionException e) {
      return ReadResult.failed(new StoreUnavailableException("cassandra", "read", unwrap(e)));
    } catch (TimeoutException e) {
      future.cancel(false);
      return ReadResult.failed(new StoreUnavailableException("cassandra", "read", e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ReadResult.failed(new StoreUnavailableException("cassandra", "read", e));
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static StoredUser toUser(Row row) {
    String userId = row.getString("user_id");
    boolean shredded = !row.isNull("shredded") && row.getBoolean("shredded");
    if (shredded) {
      return StoredUser.shredded(userId);
    }
    ByteBuffer wrapped = row.getByteBuffer("wrapped_root");
    byte[] bytes = new byte[wrapped == null ? 0 : wrapped.remaining()];
    if (wrapped != null) {
      wrapped.duplicate().get(bytes);
    }
    Set<String> blocked = row.getSet("blocked", String.class);
    return StoredUser.active(
        userId, row.getInt("master_version"), bytes, blocked == null ? Set.of() : blocked);
  }

  @Override
  public CreateResult create(String userId, int masterVersion, byte[] wrappedRoot) {
    ResultSet rs =
        write(
            "create",
            insert.bind(userId, masterVersion, ByteBuffer.wrap(wrappedRoot), clock.instant()),
            ConsistencyLevel.LOCAL_QUORUM);
    if (rs.wasApplied()) {
      return CreateResult.CREATED;
    }
    Row existing = rs.one();
    boolean shredded =
        existing != null
            && existing.getColumnDefinitions().contains("shredded")
            && !existing.isNull("shredded")
            && existing.getBoolean("shredded");
    return shredded ? CreateResult.SHREDDED : CreateResult.ALREADY_EXISTS;
  }

  @Override
  public void shred(String userId) {
    // Overwrite an existing row, or write the marker where there was none. Both are conditional, so
    // a create
    // racing with this shred is either overwritten or sees the marker; the loop turns at most twice
    // in practice.
    for (int step = 0; step < 4; step++) {
      if (write("shred", shredExisting.bind(clock.instant(), userId), everywhere).wasApplied()) {
        return;
      }
      if (write("shred", shredMissing.bind(userId, clock.instant()), everywhere).wasApplied()) {
        return;
      }
    }
    throw new StoreUnavailableException("cassandra", "shred (row kept changing)", null);
  }

  @Override
  public UpdateResult block(String userId, String category) {
    return update("block", block.bind(Set.of(category), userId), everywhere);
  }

  @Override
  public UpdateResult unblock(String userId, String category) {
    return update("unblock", unblock.bind(Set.of(category), userId), ConsistencyLevel.LOCAL_QUORUM);
  }

  private UpdateResult update(String operation, BoundStatement statement, ConsistencyLevel commit) {
    ResultSet rs = write(operation, statement, commit);
    if (rs.wasApplied()) {
      return UpdateResult.APPLIED;
    }
    Row existing = rs.one();
    // A failed condition on a missing row returns only [applied]; on an existing row, the columns
    // it tested.
    if (existing == null
        || !existing.getColumnDefinitions().contains("shredded")
        || existing.isNull("shredded")) {
      return UpdateResult.NOT_FOUND;
    }
    return UpdateResult.SHREDDED;
  }

  @Override
  public boolean rewrap(
      String userId, int expectedMasterVersion, int newMasterVersion, byte[] newWrappedRoot) {
    return write(
            "rewrap",
            rewrap.bind(
                ByteBuffer.wrap(newWrappedRoot), newMasterVersion, userId, expectedMasterVersion),
            ConsistencyLevel.LOCAL_QUORUM)
        .wasApplied();
  }

  @Override
  public long recordChange(String userId) {
    long now = clock.millis();
    // Uuids.startOf gives every change of one millisecond the same uuid; the user id in the key
    // keeps them apart.
    try {
      session.execute(
          logChange.bind(now / 60_000, Uuids.startOf(now), userId).setConsistencyLevel(everywhere));
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "record change", e);
    }
    return now;
  }

  @Override
  public List<Change> changesSince(long sinceMillis) {
    List<Change> out = new ArrayList<>();
    long last = clock.millis() / 60_000;
    for (long minute = sinceMillis / 60_000; minute <= last; minute++) {
      ResultSet rs;
      try {
        rs =
            session.execute(
                changes
                    .bind(minute, Instant.ofEpochMilli(sinceMillis))
                    .setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM));
      } catch (DriverException e) {
        throw new StoreUnavailableException("cassandra", "read changes", e);
      }
      for (Row row : rs) {
        out.add(
            new Change(row.getString("user_id"), Uuids.unixTimestamp(row.getUuid("changed_at"))));
      }
    }
    return out;
  }

  @Override
  public Page scan(String pageToken, int pageSize) {
    BoundStatement statement =
        scan.bind().setPageSize(pageSize).setConsistencyLevel(ConsistencyLevel.LOCAL_QUORUM);
    if (!pageToken.isEmpty()) {
      statement =
          statement.setPagingState(ByteBuffer.wrap(Base64.getUrlDecoder().decode(pageToken)));
    }
    AsyncResultSet rs;
    try {
      rs =
          session
              .executeAsync(statement)
              .toCompletableFuture()
              .get(settings.requestTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new StoreUnavailableException("cassandra", "scan", unwrap(e));
    } catch (TimeoutException e) {
      throw new StoreUnavailableException("cassandra", "scan", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("cassandra", "scan", e);
    }
    List<StoredUser> users = new ArrayList<>();
    for (Row row : rs.currentPage()) {
      users.add(toUser(row));
    }
    String next = "";
    if (rs.hasMorePages()) {
      ByteBuffer state = rs.getExecutionInfo().getPagingState();
      if (state != null) {
        byte[] bytes = new byte[state.remaining()];
        state.duplicate().get(bytes);
        next = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      }
    }
    return new Page(users, next);
  }

  private ResultSet write(String operation, BoundStatement statement, ConsistencyLevel commit) {
    try {
      return session.execute(
          statement.setConsistencyLevel(commit).setSerialConsistencyLevel(ConsistencyLevel.SERIAL));
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", operation, e);
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
}
