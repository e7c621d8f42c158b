package io.squadron.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A real table of versioned key-value rows, standing for any store a service migrates: the
 * mechanism must work without knowing what the rows are.
 */
final class VersionedRows {
  /** One row's value and version. */
  record Row(String value, long version) {}

  private final DataSource dataSource;
  private final String table;

  private VersionedRows(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
  }

  static VersionedRows create(DataSource dataSource, String table) {
    VersionedRows rows = new VersionedRows(dataSource, table);
    rows.update(
        "CREATE TABLE IF NOT EXISTS "
            + table
            + " (k text PRIMARY KEY, v text NOT NULL, version bigint NOT NULL)");
    return rows;
  }

  /** Writes the row unless a newer version is stored. */
  void put(String key, String value, long version) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + table
                    + " (k, v, version) VALUES (?, ?, ?) ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v, version = EXCLUDED.version"
                    + " WHERE "
                    + table
                    + ".version < EXCLUDED.version")) {
      s.setString(1, key);
      s.setString(2, value);
      s.setLong(3, version);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  void delete(String key) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE k = ?")) {
      s.setString(1, key);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  Optional<Row> get(String key) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT v, version FROM " + table + " WHERE k = ?")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new Row(r.getString(1), r.getLong(2))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  int count() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM " + table)) {
      r.next();
      return r.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  List<String> keysAfter(Optional<String> cursor, int limit) {
    String sql =
        "SELECT k FROM "
            + table
            + (cursor.isPresent() ? " WHERE k > ?" : "")
            + " ORDER BY k LIMIT ?";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      int i = 1;
      if (cursor.isPresent()) {
        s.setString(i++, cursor.get());
      }
      s.setInt(i, limit);
      List<String> keys = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          keys.add(r.getString(1));
        }
      }
      return keys;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private void update(String sql) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The backfill's view: keys in the source's order; a copy makes the target hold the source's row
   * or none.
   */
  static final class Copier implements Backfill.KeySource, Backfill.RowCopier {
    private final VersionedRows source;
    private final VersionedRows target;

    Copier(VersionedRows source, VersionedRows target) {
      this.source = source;
      this.target = target;
    }

    @Override
    public List<String> keysAfter(Side side, Optional<String> cursor, int limit) {
      return (side == Side.SOURCE ? source : target).keysAfter(cursor, limit);
    }

    @Override
    public void copy(String key) {
      Optional<Row> row = source.get(key);
      if (row.isEmpty()) {
        target.delete(key);
      } else {
        target.put(key, row.get().value(), row.get().version());
      }
    }

    @Override
    public boolean verify(String key) {
      return source.get(key).equals(target.get(key));
    }
  }
}
