package io.squadron.events.consumer;

/**
 * Thrown by a handler for an event that can never be applied (its content is invalid for this
 * consumer): the event goes to the dead-letter topic at once instead of being retried.
 */
public final class NonRetryableEventException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message says why, without personal data. */
  public NonRetryableEventException(String message) {
    super(message);
  }

  /** Creates an exception whose message says why, without personal data. */
  public NonRetryableEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
