package io.squadron.store;

import static java.util.Objects.requireNonNull;

import java.sql.SQLException;

/**
 * A store could not answer: down, paused, unreachable, out of connections, or too slow. It is an
 * expected outcome that callers turn into UNAVAILABLE at once ({@link
 * StoreErrors#exceptionMapper()}); nothing retries it.
 *
 * <p>The message names the store and the operation, and the failure only by its type (and
 * SQLState): the failure's own message is dropped, because drivers quote statements and values in
 * theirs. There is no stack trace and no cause (a fail-fast exception must be cheap, and safe to
 * log anywhere). Log the original failure yourself, at DEBUG, where you catch it, if you need its
 * text.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String store;
  private final String operation;

  /**
   * A failure of {@code operation} on {@code store}.
   *
   * @param store the kind of store, e.g. {@code "postgres"}, {@code "cassandra"}, {@code
   *     "memcached"}
   * @param operation what failed, e.g. {@code "connect"}, {@code "read"}, {@code "migrate userdb"};
   *     never data
   * @param failure the failure, described by its type only; may be null
   */
  public StoreUnavailableException(String store, String operation, Throwable failure) {
    super(
        requireNonNull(store, "store")
            + " unavailable during "
            + requireNonNull(operation, "operation")
            + describe(failure),
        null,
        false,
        false);
    this.store = store;
    this.operation = operation;
  }

  /** The kind of store that failed. */
  public String store() {
    return store;
  }

  /** What failed. */
  public String operation() {
    return operation;
  }

  private static String describe(Throwable failure) {
    if (failure == null) {
      return "";
    }
    String state =
        failure instanceof SQLException sql && sql.getSQLState() != null
            ? ", SQLState " + sql.getSQLState()
            : "";
    return " (" + failure.getClass().getSimpleName() + state + ")";
  }
}
