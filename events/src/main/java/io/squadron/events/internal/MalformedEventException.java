package io.squadron.events.internal;

/**
 * A record that is not a well-formed event: it goes to the dead-letter topic at once, retrying
 * cannot fix it.
 */
public final class MalformedEventException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates an exception whose message says what is wrong with the record (never its content). */
  public MalformedEventException(String message) {
    super(message, null, false, false);
  }
}
