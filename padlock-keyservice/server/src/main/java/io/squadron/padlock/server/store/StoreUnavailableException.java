package io.squadron.padlock.server.store;

/**
 * A store could not answer (down, paused, timed out). Maps to UNAVAILABLE; the server does not retry. The message names
 * the store and the operation, never a user id or key material; there is no stack trace (it is an expected outcome).
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** {@code store} is "cassandra" or "memcached"; {@code operation} says what failed. */
  public StoreUnavailableException(String store, String operation, Throwable cause) {
    super(store + " unavailable during " + operation + describe(cause), null, false, false);
  }

  private static String describe(Throwable cause) {
    return cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")";
  }
}
