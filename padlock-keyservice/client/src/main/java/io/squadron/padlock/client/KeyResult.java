package io.squadron.padlock.client;

/** The outcome of one {@link KeyRef} of a batch: a key, or the failure of that item alone. */
public final class KeyResult {
  private final DerivedKey key;
  private final PadlockKeyException failure;

  private KeyResult(DerivedKey key, PadlockKeyException failure) {
    this.key = key;
    this.failure = failure;
  }

  static KeyResult ok(DerivedKey key) {
    return new KeyResult(key, null);
  }

  static KeyResult failed(PadlockKeyException failure) {
    return new KeyResult(null, failure);
  }

  /** Whether there is a key. */
  public boolean isOk() {
    return key != null;
  }

  /**
   * The key.
   *
   * @throws PadlockKeyException when this item failed
   */
  public DerivedKey key() {
    if (key == null) {
      throw failure;
    }
    return key;
  }

  /** The failure, or null. */
  public PadlockKeyException failure() {
    return failure;
  }

  @Override
  public String toString() {
    return key != null ? key.toString() : "failed: " + failure.reason();
  }
}
