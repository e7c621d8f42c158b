package io.squadron.userdb.store;

/**
 * A store could not be reached or did not answer in time. Callers fail fast (gRPC UNAVAILABLE); the message names
 * the store, never row contents.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The store {@code store} failed with {@code cause}. */
  public StoreUnavailableException(String store, Throwable cause) {
    super(store + " unavailable: " + cause.getClass().getSimpleName(), cause, false, false);
  }
}
