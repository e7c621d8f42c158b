package io.squadron.store.cassandra;

import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.DriverException;
import com.datastax.oss.driver.api.core.cql.ResultSet;
import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.metadata.schema.KeyspaceMetadata;
import com.datastax.oss.driver.api.core.servererrors.QueryValidationException;
import io.squadron.store.StoreUnavailableException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies versioned CQL files to a keyspace, once each, in order, recording each in {@code
 * schema_history}.
 *
 * <p>Instances that start at once: the one that wins a lightweight transaction on the schema's lock
 * row (version 0 of its name in {@code schema_history}, a lease with a TTL, renewed after each
 * statement) applies the pending versions; the others wait for the lock, then find nothing pending.
 * A holder that dies mid-way loses the lock when the lease runs out, and the next start applies the
 * unfinished version again from its first statement: write each statement so that running it twice
 * does no harm ({@code IF NOT EXISTS}, {@code IF EXISTS}).
 */
final class CqlMigrator {
  private static final Logger log = LoggerFactory.getLogger(CqlMigrator.class);
  static final String HISTORY = "schema_history";

  /** The version of a schema's lock row (files start at 1). */
  static final int LOCK_VERSION = 0;

  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration MAX_LOCK_WAIT = Duration.ofMinutes(10);

  private final CqlSession session;
  private final String keyspace;
  private final Duration schemaTimeout;
  private final Duration lease;
  private final String owner;

  CqlMigrator(CqlSession session, String keyspace, Duration schemaTimeout, String sessionName) {
    this.session = session;
    this.keyspace = keyspace;
    this.schemaTimeout = schemaTimeout;
    Duration twice = schemaTimeout.multipliedBy(2);
    this.lease = twice.compareTo(Duration.ofMinutes(1)) > 0 ? twice : Duration.ofMinutes(1);
    this.owner = sessionName + "-" + UUID.randomUUID();
  }

  /**
   * Applies the pending scripts of schema {@code name}; returns how many were applied by this call.
   */
  int migrate(String name, String location, List<CqlScript> scripts) {
    try {
      ensureHistoryTables();
      if (pending(name, location, scripts).isEmpty()) {
        return 0;
      }
      acquireLock(name);
      try {
        List<CqlScript> pending = pending(name, location, scripts);
        for (CqlScript script : pending) {
          apply(name, script);
        }
        return pending.size();
      } finally {
        releaseLock(name);
      }
    } catch (QueryValidationException e) {
      throw new IllegalStateException(
          "cassandra schema '" + name + "' in keyspace " + keyspace + ": " + e.getMessage(), e);
    } catch (DriverException e) {
      throw new StoreUnavailableException("cassandra", "migrate " + name, e);
    }
  }

  private void ensureHistoryTables() {
    Optional<KeyspaceMetadata> metadata = session.getMetadata().getKeyspace(keyspace);
    if (metadata.isEmpty() || metadata.get().getTable(HISTORY).isEmpty()) {
      schema(
          "CREATE TABLE IF NOT EXISTS "
              + table(HISTORY)
              + " (name text, version int, description text,"
              + " checksum text, applied_at timestamp, applied_by text, PRIMARY KEY (name, version))"
              + " WITH comment = 'Versions of this keyspace''s schemas applied by io.squadron.store.cassandra;"
              + " version 0 is a schema''s lock while an instance applies it'");
    }
  }

  /** The scripts still to apply, after checking the applied ones against the files. */
  private List<CqlScript> pending(String name, String location, List<CqlScript> scripts) {
    TreeMap<Integer, Row> applied = new TreeMap<>();
    for (Row row :
        session.execute(
            SimpleStatement.newInstance(
                    "SELECT version, checksum FROM "
                        + table(HISTORY)
                        + " WHERE name = ? AND version > ?",
                    name,
                    LOCK_VERSION)
                .setConsistencyLevel(ConsistencyLevel.QUORUM)
                .setTimeout(schemaTimeout))) {
      applied.put(row.getInt("version"), row);
    }
    int newestLocal = scripts.get(scripts.size() - 1).version();
    int newestApplied = applied.isEmpty() ? 0 : applied.lastKey();
    for (Map.Entry<Integer, Row> e : applied.entrySet()) {
      int version = e.getKey();
      Optional<CqlScript> file = scripts.stream().filter(s -> s.version() == version).findFirst();
      if (file.isEmpty()) {
        if (version < newestLocal) {
          throw new IllegalStateException(
              "cassandra schema '"
                  + name
                  + "' in keyspace "
                  + keyspace
                  + ": version "
                  + version
                  + " was applied but is missing from "
                  + location
                  + " (applied versions must stay)");
        }
        continue; // a newer instance applied it: this one is older, which a rolling deployment
        // allows
      }
      String checksum = e.getValue().getString("checksum");
      if (!file.get().checksum().equals(checksum)) {
        throw new IllegalStateException(
            "cassandra schema '"
                + name
                + "' in keyspace "
                + keyspace
                + ": "
                + file.get().fileName()
                + " changed after it was applied (checksum applied "
                + checksum
                + ", now "
                + file.get().checksum()
                + "); never edit an applied version, add a new one");
      }
    }
    List<CqlScript> pending =
        scripts.stream().filter(s -> !applied.containsKey(s.version())).toList();
    if (!pending.isEmpty() && pending.get(0).version() < newestApplied) {
      throw new IllegalStateException(
          "cassandra schema '"
              + name
              + "' in keyspace "
              + keyspace
              + ": "
              + pending.get(0).fileName()
              + " is new but version "
              + newestApplied
              + " is applied already (versions"
              + " apply in order: give it a version above "
              + newestApplied
              + ")");
    }
    return pending;
  }

  private void apply(String name, CqlScript script) {
    log.info(
        "cassandra schema {} in keyspace {}: applying {} ({} statements)",
        name,
        keyspace,
        script.fileName(),
        script.statements().size());
    int index = 0;
    for (String cql : script.statements()) {
      index++;
      try {
        ResultSet rs = session.execute(SimpleStatement.newInstance(cql).setTimeout(schemaTimeout));
        if (!rs.getExecutionInfo().isSchemaInAgreement() && !session.checkSchemaAgreement()) {
          log.warn(
              "cassandra schema {}: nodes disagree on the schema after statement {} of {}",
              name,
              index,
              script.fileName());
        }
        awaitSchemaAgreement();
      } catch (QueryValidationException e) {
        throw new IllegalStateException(
            "cassandra schema '"
                + name
                + "' in keyspace "
                + keyspace
                + ": statement "
                + index
                + " of "
                + script.fileName()
                + " failed: "
                + e.getMessage(),
            e);
      }
      renewLock(name);
    }
    session.execute(
        SimpleStatement.newInstance(
                "INSERT INTO "
                    + table(HISTORY)
                    + " (name, version, description,"
                    + " checksum, applied_at, applied_by) VALUES (?, ?, ?, ?, ?, ?)",
                name,
                script.version(),
                script.description(),
                script.checksum(),
                Instant.now(),
                owner)
            .setConsistencyLevel(ConsistencyLevel.QUORUM)
            .setTimeout(schemaTimeout));
  }

  private void acquireLock(String name) {
    long start = System.nanoTime();
    long nextLog = start + Duration.ofSeconds(10).toNanos();
    while (true) {
      Row row =
          lwt(
              "INSERT INTO "
                  + table(HISTORY)
                  + " (name, version, description, applied_by, applied_at)"
                  + " VALUES (?, ?, 'lock', ?, ?) IF NOT EXISTS USING TTL "
                  + lease.toSeconds(),
              name,
              LOCK_VERSION,
              owner,
              Instant.now());
      if (row != null && row.getBoolean("[applied]")) {
        return;
      }
      long now = System.nanoTime();
      String holder =
          row != null && row.getColumnDefinitions().contains("applied_by")
              ? row.getString("applied_by")
              : "?";
      if (now - start > MAX_LOCK_WAIT.toNanos()) {
        throw new IllegalStateException(
            "cassandra schema '"
                + name
                + "' in keyspace "
                + keyspace
                + ": "
                + holder
                + " has held the schema lock for over "
                + MAX_LOCK_WAIT.toMinutes()
                + " minutes");
      }
      if (now > nextLog) {
        log.info("cassandra schema {}: waiting for {} to finish applying it", name, holder);
        nextLog = now + Duration.ofSeconds(10).toNanos();
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(
            "interrupted while waiting for the schema lock of '" + name + "'", e);
      }
    }
  }

  private void renewLock(String name) {
    Row row =
        lwt(
            "UPDATE "
                + table(HISTORY)
                + " USING TTL "
                + lease.toSeconds()
                + " SET applied_by = ?,"
                + " applied_at = ? WHERE name = ? AND version = ? IF applied_by = ?",
            owner,
            Instant.now(),
            name,
            LOCK_VERSION,
            owner);
    if (row == null || !row.getBoolean("[applied]")) {
      throw new IllegalStateException(
          "cassandra schema '"
              + name
              + "' in keyspace "
              + keyspace
              + ": lost the schema"
              + " lock (a statement took longer than the "
              + lease.toSeconds()
              + " s lease)");
    }
  }

  private void releaseLock(String name) {
    try {
      lwt(
          "DELETE FROM " + table(HISTORY) + " WHERE name = ? AND version = ? IF applied_by = ?",
          name,
          LOCK_VERSION,
          owner);
    } catch (DriverException e) {
      // The lease runs out by itself.
      log.warn(
          "cassandra schema {}: cannot release the schema lock ({}); it expires within {} s",
          name,
          e.getClass().getSimpleName(),
          lease.toSeconds());
    }
  }

  /** A lightweight transaction, serialized across data centers: schema changes are cluster-wide. */
  private Row lwt(String cql, Object... values) {
    return session
        .execute(
            SimpleStatement.newInstance(cql, values)
                .setSerialConsistencyLevel(ConsistencyLevel.SERIAL)
                .setConsistencyLevel(ConsistencyLevel.QUORUM)
                .setTimeout(schemaTimeout))
        .one();
  }

  private String table(String table) {
    return keyspace + "." + table;
  }

  private void schema(String cql) {
    session.execute(SimpleStatement.newInstance(cql).setTimeout(schemaTimeout));
    awaitSchemaAgreement();
  }

  /**
   * Waits (up to the schema timeout) until every node not known to be down has the coordinator's
   * schema version. The driver's own check counts only nodes it connects to, and it never connects
   * to another datacenter's: without this a read right after a CREATE TABLE can reach a remote
   * replica that does not know the table yet (ReadFailure).
   */
  private void awaitSchemaAgreement() {
    long deadline = System.nanoTime() + schemaTimeout.toNanos();
    while (!schemaAgrees()) {
      if (System.nanoTime() > deadline) {
        log.warn(
            "cassandra keyspace {}: nodes still disagree on the schema after {}",
            keyspace,
            schemaTimeout);
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
  }

  private boolean schemaAgrees() {
    Optional<Node> coordinator =
        session.getMetadata().getNodes().values().stream()
            .filter(n -> n.getState() == NodeState.UP)
            .findFirst();
    if (coordinator.isEmpty()) {
      return true; // nothing to ask: the statements that follow fail on their own
    }
    Set<InetAddress> down = new HashSet<>();
    for (Node n : session.getMetadata().getNodes().values()) {
      if (n.getState() == NodeState.DOWN && n.getBroadcastRpcAddress().isPresent()) {
        down.add(n.getBroadcastRpcAddress().get().getAddress());
      }
    }
    Set<UUID> versions = new HashSet<>();
    versions.add(
        session
            .execute(
                SimpleStatement.newInstance("SELECT schema_version FROM system.local")
                    .setNode(coordinator.get()))
            .one()
            .getUuid("schema_version"));
    for (Row peer :
        session.execute(
            SimpleStatement.newInstance(
                    "SELECT native_address, schema_version FROM system.peers_v2")
                .setNode(coordinator.get()))) {
      if (!down.contains(peer.getInetAddress("native_address"))) {
        versions.add(peer.getUuid("schema_version"));
      }
    }
    return versions.size() == 1;
  }
}
