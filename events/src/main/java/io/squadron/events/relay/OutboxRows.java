package io.squadron.events.relay;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The relay's SQL on {@code squadron_outbox}. */
final class OutboxRows {
  private static final String CLAIM =
      "SELECT id, event_id, topic, event_key, event_type, envelope, created_at"
          + " FROM squadron_outbox WHERE sent_at IS NULL ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED";

  /**
   * Claimed rows with an earlier unsent row of the same key that this relay did not claim: another
   * relay holds it (or it was committed after the claim). Publishing them now could overtake it.
   */
  private static final String HELD_BACK =
      "SELECT o.id FROM squadron_outbox o WHERE o.id = ANY (?) AND EXISTS ("
          + "SELECT 1 FROM squadron_outbox p WHERE p.topic = o.topic AND p.event_key = o.event_key"
          + " AND p.sent_at IS NULL AND p.id < o.id AND p.id NOT IN (SELECT unnest(?::bigint[])))";

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
   * Locks and returns up to {@code limit} of the oldest unsent rows no other transaction holds, in
   * id order.
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

  /**
   * The claimed rows that may be published now, in id order: a key with an earlier unsent row
   * outside the claim is held back from that row on (it goes out in a later round, after the
   * earlier row).
   */
  static List<OutboxRow> publishable(Connection c, List<OutboxRow> claimed) throws SQLException {
    Set<Long> heldBack = new HashSet<>();
    try (PreparedStatement s = c.prepareStatement(HELD_BACK)) {
      Array ids = ids(c, claimed);
      s.setArray(1, ids);
      s.setArray(2, ids);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          heldBack.add(rs.getLong(1));
        }
      }
    }
    if (heldBack.isEmpty()) {
      return claimed;
    }
    Set<String> blockedKeys = new HashSet<>();
    List<OutboxRow> publishable = new ArrayList<>(claimed.size());
    for (OutboxRow row : claimed) {
      if (heldBack.contains(row.id())) {
        blockedKeys.add(row.orderingKey());
      }
      if (!blockedKeys.contains(row.orderingKey())) {
        publishable.add(row);
      }
    }
    return publishable;
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
