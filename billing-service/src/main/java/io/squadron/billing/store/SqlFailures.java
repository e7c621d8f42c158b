package io.squadron.billing.store;

import io.squadron.store.StoreUnavailableException;
import io.squadron.store.postgres.PostgresStore;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * What a failed statement means: the database could not answer (unavailable: the caller may retry,
 * UNAVAILABLE on the wire), or it refused the statement (a bug or a broken invariant: INTERNAL,
 * details only in the log).
 */
final class SqlFailures {
  private SqlFailures() {}

  static RuntimeException of(String operation, SQLException e) {
    if (unavailable(e)) {
      return PostgresStore.unavailable(operation, e);
    }
    return new IllegalStateException(
        "billing store: " + operation + " failed (SQLState " + e.getSQLState() + ")", e);
  }

  static boolean unavailable(SQLException e) {
    if (e instanceof SQLTransientException
        || e instanceof SQLRecoverableException
        || e instanceof SQLNonTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    // 08: connection, 53: insufficient resources, 57: shutdown / cancel, 40: serialization or
    // deadlock.
    return state == null
        || state.startsWith("08")
        || state.startsWith("53")
        || state.startsWith("57")
        || state.startsWith("40");
  }

  /** Whether {@code e} is already the store's "unavailable". */
  static boolean isUnavailable(RuntimeException e) {
    return e instanceof StoreUnavailableException;
  }
}
