package io.squadron.events.consumer;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * Tells a failure of the environment (retry without limit) from a failure of the event (count, then
 * dead-letter).
 */
final class Failures {
  private Failures() {}

  /**
   * Whether {@code failure} says the database is unavailable or the transaction lost a race, rather
   * than that the event cannot be applied: connection failures (SQLSTATE class 08), insufficient
   * resources (53), operator intervention such as a shutdown (57P), serialization failures and
   * deadlocks (40001, 40P01), lock timeouts (55P03), and the JDBC transient and recoverable
   * exceptions (a pool that cannot hand out a connection).
   */
  static boolean environmental(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08")
            || state.startsWith("53")
            || state.startsWith("57P")
            || state.equals("40001")
            || state.equals("40P01")
            || state.equals("55P03")) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** {@code Class: message}, cut to {@code max} characters. */
  static String describe(Throwable failure, int max) {
    String text =
        failure.getClass().getName()
            + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
