package io.squadron.userdb.username;

import static java.util.Objects.requireNonNull;

/**
 * A username that cannot be registered or looked up. The message says what a user can fix and never
 * repeats the name itself (usernames are personal data).
 */
public final class UsernameRejectedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why a name was rejected. */
  public enum Reason {
    /** Empty, or longer than allowed. */
    LENGTH,
    /** Contains characters PRECIS UsernameCaseMapped disallows. */
    DISALLOWED_CHARACTERS,
    /** A second canonicalization changes the result again. */
    NOT_STABLE,
    /**
     * Mixes scripts beyond the TR39 restriction level, or contains invisible or mixed-number
     * characters.
     */
    MIXED_SCRIPT
  }

  private final Reason reason;

  /** A rejection for {@code reason} with a message a client can show. */
  public UsernameRejectedException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = requireNonNull(reason, "reason");
  }

  /** Why the name was rejected. */
  public Reason reason() {
    return reason;
  }
}
