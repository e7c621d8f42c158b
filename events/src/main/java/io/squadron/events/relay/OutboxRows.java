package io.squadron.events.relay;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The relay's SQL on {@code squadron_outbox}. */
final class OutboxRows {
  /** The relay lock's first key, "SQDR" in ASCII. */
  private static final int RELAY_LOCK_CLASS = 0x53514452;

  /**
   * One relay of an outbox at a time: a transaction-scoped advisory lock whose key names this
   * outbox table (its OID, so outboxes in two schemas of one database do not exclude each other).
   * The two-integer form never meets Flyway's or a service's one-bigint locks.
   */
  private static final String LEAD =
      "SELECT pg_try_advisory_xact_lock("
          + RELAY_LOCK_CLASS
          + ", 'squadron_outbox'::regclass::oid::int4)";

  /**
   * The oldest unsent rows. No row locks: only the relay holding the advisory lock reads them, and
   * a second reader (an old version of the relay during a rolling upgrade) could only publish a row
   * twice, never out of order, since each reads the oldest unsent rows of every key.
   */
  private static final String CLAIM =
      "SELECT id, event_id, topic, event_key, event_type, envelope, created_at"
          + " FROM squadron_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ?";

  private static final String MARK_SENT =
      "UPDATE squadron_outbox SET sent_at = now() WHERE id = ANY (?)";
  private static final String DELETE_ACKED = "DELETE FROM squadron_outbox WHERE id = ANY (?)";
  private static final String BACKLOG =
      "SELECT count(*), min(created_at) FROM squadron_outbox WHERE sent_at IS NULL";
  private static final String DELETE_SENT =
      "DELETE FROM squadron_outbox WHERE id IN (SELECT id FROM squadron_outbox"
          + " WHERE sent_at < ? ORDER BY id LIMIT ?)";

  private OutboxRows() {}

  /**
   * Takes the outbox's relay lock for {@code c}'s current transaction (auto-commit off); false if
   * another relay's round holds it.
   */
  static boolean lead(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(LEAD);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  /**
   * Up to {@code limit} of the oldest unsent rows, in id order; call while holding {@link #lead}.
   */
  static List<OutboxRow> claim(Connection c, int limit) throws SQLException {
    List<OutboxRow> rows = new ArrayList<>(Math.min(limit, 1024));
    try (PreparedStatement s = c.prepareStatement(CLAIM)) {
      s.setInt(1, limit);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new OutboxRow(
                  rs.getLong(1),
                  rs.getObject(2, UUID.class),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  rs.getBytes(6),
                  rs.getTimestamp(7).toInstant()));
        }
      }
    }
    return rows;
  }

  static void markSent(Connection c, List<OutboxRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(MARK_SENT)) {
      s.setArray(1, ids(c, rows));
      s.executeUpdate();
    }
  }

  /**
   * Deletes the rows instead of marking them (a relay without retention): a delete writes no new
   * row version and no index entries, where marking writes both (the partial index's column
   * changes).
   */
  static void deleteAcked(Connection c, List<OutboxRow> rows) throws SQLException {
    if (rows.isEmpty()) {
      return;
    }
    try (PreparedStatement s = c.prepareStatement(DELETE_ACKED)) {
      s.setArray(1, ids(c, rows));
      s.executeUpdate();
    }
  }

  /** How many rows wait, and since when the oldest waits. */
  record Backlog(long rows, Optional<Instant> oldest) {}

  static Backlog backlog(Connection c) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(BACKLOG);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      Timestamp oldest = rs.getTimestamp(2);
      return new Backlog(rs.getLong(1), Optional.ofNullable(oldest).map(Timestamp::toInstant));
    }
  }

  /**
   * Deletes up to {@code limit} rows sent before {@code cutoff}, oldest first; returns how many.
   */
  static int deleteSent(Connection c, Instant cutoff, int limit) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(DELETE_SENT)) {
      s.setTimestamp(1, Timestamp.from(cutoff));
      s.setInt(2, limit);
      return s.executeUpdate();
    }
  }

  private static Array ids(Connection c, List<OutboxRow> rows) throws SQLException {
    Long[] ids = new Long[rows.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = rows.get(i).id();
    }
    return c.createArrayOf("bigint", ids);
  }
}
