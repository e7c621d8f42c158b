package io.squadron.userdb.account;

/**
 * An update refused because the account does not have the version it expected (a concurrent change
 * won).
 */
public final class VersionConflictException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * The conflict; {@code message} says which version was expected and, where known, which one is
   * current.
   */
  public VersionConflictException(String message) {
    super(message, null, false, false);
  }
}
