package io.squadron.userdb.account;

/**
 * A create whose request id belongs to another create (other values), or to one whose account is
 * gone (deleted, or abandoned by the orphan sweeper): a new account needs a new request id.
 */
public final class RequestIdReusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The exception (no stack trace: an expected outcome). */
  public RequestIdReusedException() {
    super(
        "request_id: used by an earlier create with other values, or by one whose account was deleted or given up;"
            + " send a new request_id",
        null,
        false,
        false);
  }
}
