package io.squadron.migration.jdbc;

import static java.util.Objects.requireNonNull;

import io.squadron.migration.BackfillCheckpoint;
import io.squadron.migration.ControlRecord;
import io.squadron.migration.ControlStore;
import io.squadron.migration.InstanceReport;
import io.squadron.migration.Phase;
import io.squadron.migration.Side;
import io.squadron.store.postgres.PostgresStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The control record, reports, checkpoint and lease in PostgreSQL tables {@code migration_control},
 * {@code migration_instances} and {@code migration_backfill} (versioned SQL applied by
 * store-support's {@link PostgresStore#migrate(DataSource, String, String)}). Changes of the phase
 * are a compare-and-set on the epoch.
 */
public final class JdbcControlStore implements ControlStore {
  /** The name of the control tables' schema in the database. */
  public static final String SCHEMA_NAME = "migration_control";

  /** Where the control tables' versioned SQL is on the class path. */
  public static final String SCHEMA_LOCATION = "db/migration_control";

  private final DataSource dataSource;

  private JdbcControlStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * A store over {@code dataSource}, applying its schema first ({@value #SCHEMA_LOCATION}, history
   * in {@code flyway_history_}{@value #SCHEMA_NAME}: it shares the service's database without
   * touching the service's own schema).
   */
  public static JdbcControlStore create(DataSource dataSource) {
    PostgresStore.migrate(requireNonNull(dataSource, "dataSource"), SCHEMA_NAME, SCHEMA_LOCATION);
    return new JdbcControlStore(dataSource);
  }

  @Override
  public ControlRecord read(String migration) {
    return run(
        c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO migration_control (migration, phase, epoch,"
                      + " changed_at) VALUES (?, ?, 0, now()) ON CONFLICT (migration) DO NOTHING")) {
            insert.setString(1, migration);
            insert.setString(2, Phase.SOURCE_ONLY.name());
            insert.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT phase, epoch, changed_at FROM migration_control WHERE migration = ?")) {
            s.setString(1, migration);
            try (ResultSet r = s.executeQuery()) {
              r.next();
              return new ControlRecord(
                  Phase.valueOf(r.getString(1)), r.getLong(2), r.getTimestamp(3).toInstant());
            }
          }
        });
  }

  @Override
  public boolean compareAndSet(String migration, long expectedEpoch, Phase next, Instant now) {
    return run(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE migration_control SET phase = ?, epoch = epoch + 1,"
                      + " changed_at = ? WHERE migration = ? AND epoch = ?")) {
            s.setString(1, next.name());
            s.setTimestamp(2, java.sql.Timestamp.from(now));
            s.setString(3, migration);
            s.setLong(4, expectedEpoch);
            return s.executeUpdate() == 1;
          }
        });
  }

  @Override
  public void report(String migration, InstanceReport report) {
    run(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO migration_instances (migration, instance_id, phase,"
                      + " epoch, reported_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (migration, instance_id) DO UPDATE SET"
                      + " phase = EXCLUDED.phase, epoch = EXCLUDED.epoch, reported_at = EXCLUDED.reported_at")) {
            s.setString(1, migration);
            s.setString(2, report.instanceId());
            s.setString(3, report.phase().name());
            s.setLong(4, report.epoch());
            s.setTimestamp(5, java.sql.Timestamp.from(report.reportedAt()));
            s.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public void forget(String migration, String instanceId) {
    run(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "DELETE FROM migration_instances WHERE migration = ? AND instance_id = ?")) {
            s.setString(1, migration);
            s.setString(2, instanceId);
            s.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public List<InstanceReport> reports(String migration) {
    return run(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT instance_id, phase, epoch, reported_at"
                      + " FROM migration_instances WHERE migration = ? ORDER BY instance_id")) {
            s.setString(1, migration);
            List<InstanceReport> reports = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
              while (r.next()) {
                reports.add(
                    new InstanceReport(
                        r.getString(1),
                        Phase.valueOf(r.getString(2)),
                        r.getLong(3),
                        r.getTimestamp(4).toInstant()));
              }
            }
            return reports;
          }
        });
  }

  @Override
  public BackfillCheckpoint checkpoint(String migration) {
    return run(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT cursor_key, pass, copied, reconciled, mismatches, done FROM migration_backfill WHERE migration = ?")) {
            s.setString(1, migration);
            try (ResultSet r = s.executeQuery()) {
              if (!r.next()) {
                return BackfillCheckpoint.START;
              }
              return new BackfillCheckpoint(
                  Optional.ofNullable(r.getString(1)),
                  Side.valueOf(r.getString(2)),
                  r.getLong(3),
                  r.getLong(4),
                  r.getLong(5),
                  r.getBoolean(6));
            }
          }
        });
  }

  @Override
  public void saveCheckpoint(String migration, BackfillCheckpoint checkpoint) {
    run(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO migration_backfill (migration, cursor_key, pass,"
                      + " copied, reconciled, mismatches, done) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (migration) DO UPDATE SET"
                      + " cursor_key = EXCLUDED.cursor_key, pass = EXCLUDED.pass, copied = EXCLUDED.copied,"
                      + " reconciled = EXCLUDED.reconciled, mismatches = EXCLUDED.mismatches, done = EXCLUDED.done")) {
            s.setString(1, migration);
            s.setString(2, checkpoint.cursor().orElse(null));
            s.setString(3, checkpoint.pass().name());
            s.setLong(4, checkpoint.copied());
            s.setLong(5, checkpoint.reconciled());
            s.setLong(6, checkpoint.mismatches());
            s.setBoolean(7, checkpoint.done());
            s.executeUpdate();
          }
          return null;
        });
  }

  @Override
  public boolean tryLease(String migration, String owner, Instant now, Duration ttl) {
    return run(
        c -> {
          try (PreparedStatement insert =
              c.prepareStatement(
                  "INSERT INTO migration_backfill (migration) VALUES (?) ON CONFLICT (migration) DO NOTHING")) {
            insert.setString(1, migration);
            insert.executeUpdate();
          }
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE migration_backfill SET lease_owner = ?, lease_until = ?"
                      + " WHERE migration = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)")) {
            s.setString(1, owner);
            s.setTimestamp(2, java.sql.Timestamp.from(now.plus(ttl)));
            s.setString(3, migration);
            s.setString(4, owner);
            s.setTimestamp(5, java.sql.Timestamp.from(now));
            return s.executeUpdate() == 1;
          }
        });
  }

  @Override
  public void releaseLease(String migration, String owner) {
    run(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE migration_backfill SET lease_owner = NULL,"
                      + " lease_until = NULL WHERE migration = ? AND lease_owner = ?")) {
            s.setString(1, migration);
            s.setString(2, owner);
            s.executeUpdate();
          }
          return null;
        });
  }

  /**
   * Deletes every trace of {@code migration}'s backfill (a rollback to the first phase starts it
   * over).
   */
  public void resetBackfill(String migration) {
    saveCheckpoint(migration, BackfillCheckpoint.START);
  }

  private interface Work<T> {
    T apply(Connection c) throws SQLException;
  }

  private <T> T run(Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      return work.apply(c);
    } catch (SQLException e) {
      throw new ControlStoreException(e);
    }
  }

  /** The control store could not be reached. */
  public static final class ControlStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ControlStoreException(SQLException cause) {
      super("migration control store unavailable: " + cause.getSQLState(), cause);
    }
  }
}
