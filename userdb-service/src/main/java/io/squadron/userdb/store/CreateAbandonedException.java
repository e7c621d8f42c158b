package io.squadron.userdb.store;

/**
 * A create of an id whose earlier pending create was given up (by the orphan sweeper, or by a
 * delete of the id): the id can no longer be created; a new account needs a new id.
 */
public final class CreateAbandonedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The exception (no stack trace: an expected outcome). */
  public CreateAbandonedException() {
    super("the create of this id was abandoned", null, false, false);
  }
}
