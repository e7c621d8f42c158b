package io.squadron.infra;

/**
 * A server could not be started or did not become ready in time. The message names the server, its
 * address and what went wrong, and carries the tail of the server's log.
 */
public final class InfraStartException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message that already names the server and carries its log tail. */
  public InfraStartException(String message) {
    super(message);
  }

  /** Creates an exception with a message that already names the server and carries its log tail. */
  public InfraStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
