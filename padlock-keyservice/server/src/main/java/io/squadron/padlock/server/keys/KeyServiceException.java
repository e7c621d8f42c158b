package io.squadron.padlock.server.keys;

import static java.util.Objects.requireNonNull;

/**
 * A single-user operation that cannot be done in the user's current state. Carries no user id and
 * no stack trace.
 */
public final class KeyServiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final KeyOutcome.Failure failure;

  KeyServiceException(KeyOutcome.Failure failure, String message) {
    super(message, null, false, false);
    this.failure = requireNonNull(failure, "failure");
  }

  /** Why. */
  public KeyOutcome.Failure failure() {
    return failure;
  }
}
