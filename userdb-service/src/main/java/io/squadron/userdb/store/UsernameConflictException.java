package io.squadron.userdb.store;

import static java.util.Objects.requireNonNull;

/**
 * A create refused because the canonical name, or a name with the same skeleton, belongs to another
 * user.
 */
public final class UsernameConflictException extends Exception {
  private static final long serialVersionUID = 1L;

  /** What collided. */
  public enum Kind {
    /** The same canonical form. */
    TAKEN,
    /** A different canonical form with the same TR39 skeleton: a look-alike. */
    CONFUSABLE
  }

  private final Kind kind;

  /** A conflict of {@code kind}. */
  public UsernameConflictException(Kind kind) {
    super(
        kind == Kind.TAKEN ? "username is taken" : "username is confusable with an existing one",
        null,
        false,
        false);
    this.kind = requireNonNull(kind, "kind");
  }

  /** What collided. */
  public Kind kind() {
    return kind;
  }
}
