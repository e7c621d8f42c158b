package io.squadron.padlock.client;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;

/**
 * Padlock gave no key. {@link #reason()} says why; callers usually branch on {@link
 * Reason#KEYS_DELETED} (the user was crypto-shredded: treat the data as gone) and {@link
 * Reason#UNAVAILABLE} (retry later, or fail the request). The message never holds a user id or key
 * material.
 */
public final class PadlockKeyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why there is no key. */
  public enum Reason {
    /** The user's keys were deleted (crypto-shredded); data under them is gone for good. */
    KEYS_DELETED,
    /** The user has no keys (never created). */
    USER_KEYS_NOT_FOUND,
    /** The user blocked this category. */
    CATEGORY_BLOCKED,
    /** The request was invalid (unknown category or version, bad user id). */
    INVALID,
    /** Padlock or its store could not answer; retrying later may work. */
    UNAVAILABLE,
    /** Anything else (permission denied, internal error, ...); see {@link #code()}. */
    OTHER
  }

  private final Reason reason;
  private final Status.Code code;

  /** An exception for a failed lookup. */
  public PadlockKeyException(Reason reason, Status.Code code, String message) {
    super(message, null, false, false);
    this.reason = requireNonNull(reason, "reason");
    this.code = requireNonNull(code, "code");
  }

  /** Why. */
  public Reason reason() {
    return reason;
  }

  /** The gRPC status code Padlock answered with. */
  public Status.Code code() {
    return code;
  }
}
