package io.squadron.padlock.client;

import static java.util.Objects.requireNonNull;

/**
 * A stored value could not be decrypted. Never a partial or wrong plaintext: when this is thrown,
 * nothing was returned. The message names the problem, never the user or the data.
 */
public final class FieldCipherException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the ciphertext. */
  public enum Reason {
    /** Too short, or a header that does not parse. */
    MALFORMED,
    /** A format version this library does not know (written by a newer one?). */
    UNSUPPORTED_FORMAT,
    /**
     * The authentication tag does not match: the value was altered, or it was moved from another
     * user, column, table or service (the associated data differs), or it was written under another
     * key.
     */
    AUTHENTICATION_FAILED,
    /**
     * The value's header names another key category than the field's: it was written under another
     * category's key (and so would escape that category's block or shred); never decrypted.
     */
    CATEGORY_MISMATCH
  }

  private final Reason reason;

  FieldCipherException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = requireNonNull(reason, "reason");
  }

  /** Why. */
  public Reason reason() {
    return reason;
  }
}
