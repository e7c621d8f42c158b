package io.squadron.events.consumer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The consumer's SQL on {@code squadron_processed_event}. */
final class ProcessedEvents {
  static final String APPLIED = "applied";
  static final String DEAD_LETTERED = "dead_lettered";

  private static final String RECORD =
      "INSERT INTO squadron_processed_event"
          + " (consumer_group, event_id, topic, kafka_partition, kafka_offset, outcome)"
          + " SELECT ?, e, t, p, o, ? FROM unnest(?::uuid[], ?::text[], ?::int[], ?::bigint[]) AS x(e, t, p, o)"
          + " ON CONFLICT DO NOTHING RETURNING event_id";
  private static final String DELETE_OLD =
      "DELETE FROM squadron_processed_event WHERE ctid IN (SELECT ctid FROM"
          + " squadron_processed_event WHERE consumer_group = ? AND processed_at < ? LIMIT ?)";

  private ProcessedEvents() {}

  /** One event to record. */
  record Entry(UUID eventId, String topic, int partition, long offset) {}

  /**
   * Records {@code entries} as processed by {@code group} with {@code outcome}, within {@code tx},
   * and returns the ids that were new (an id recorded before, or twice in {@code entries}, is
   * returned at most once). Waits for a concurrent transaction that recorded the same id to finish.
   */
  static Set<UUID> record(Connection tx, String group, String outcome, List<Entry> entries)
      throws SQLException {
    UUID[] ids = new UUID[entries.size()];
    String[] topics = new String[entries.size()];
    Integer[] partitions = new Integer[entries.size()];
    Long[] offsets = new Long[entries.size()];
    for (int i = 0; i < ids.length; i++) {
      Entry e = entries.get(i);
      ids[i] = e.eventId();
      topics[i] = e.topic();
      partitions[i] = e.partition();
      offsets[i] = e.offset();
    }
    Set<UUID> fresh = new HashSet<>();
    try (PreparedStatement s = tx.prepareStatement(RECORD)) {
      s.setString(1, group);
      s.setString(2, outcome);
      s.setArray(3, tx.createArrayOf("uuid", ids));
      s.setArray(4, tx.createArrayOf("text", topics));
      s.setArray(5, tx.createArrayOf("int4", partitions));
      s.setArray(6, tx.createArrayOf("int8", offsets));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          fresh.add(rs.getObject(1, UUID.class));
        }
      }
    }
    return fresh;
  }

  /**
   * Deletes up to {@code limit} of {@code group}'s records older than {@code cutoff}; returns how
   * many.
   */
  static int deleteOlderThan(Connection c, String group, Instant cutoff, int limit)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(DELETE_OLD)) {
      s.setString(1, group);
      s.setTimestamp(2, Timestamp.from(cutoff));
      s.setInt(3, limit);
      return s.executeUpdate();
    }
  }
}
