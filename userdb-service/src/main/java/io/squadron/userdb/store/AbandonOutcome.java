package io.squadron.userdb.store;

/** What {@link UserStore#abandon} did with a pending create. */
public enum AbandonOutcome {
  /**
   * Given up: its names are free, its id can never be created; shred its keys, then {@link
   * UserStore#forget} it.
   */
  ABANDONED,
  /**
   * Its row exists after all (the create finished): only the pending record was dropped. Keep its
   * keys.
   */
  FINISHED,
  /** It was retried since it was listed: left alone, it may still finish. */
  RETRIED
}
