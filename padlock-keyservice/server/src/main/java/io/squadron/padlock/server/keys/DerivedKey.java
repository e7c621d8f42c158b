package io.squadron.padlock.server.keys;

/**
 * A derived key as cached in memory: the key bytes, its version, and the edge's encoded form of it
 * (built once by the gRPC layer and reused, since the same key is sent again and again).
 */
public final class DerivedKey {
  private final byte[] key;
  private final int version;
  private volatile Object wireForm;
  // The outcome naming this key, made once: a cached key is handed out again and again. A racy
  // first fill is harmless (the record is immutable; two fills give equal values).
  private KeyOutcome outcome;

  DerivedKey(byte[] key, int version) {
    this.key = key;
    this.version = version;
  }

  /** A copy of the 32 key bytes. */
  public byte[] key() {
    return key.clone();
  }

  /**
   * Copies the 32 key bytes into {@code target} at {@code offset} (no intermediate copy: the hot
   * path).
   */
  public void copyTo(byte[] target, int offset) {
    System.arraycopy(key, 0, target, offset, key.length);
  }

  /** The successful outcome carrying this key. */
  KeyOutcome outcome() {
    KeyOutcome o = outcome;
    if (o == null) {
      o = new KeyOutcome(this, null);
      outcome = o;
    }
    return o;
  }

  /** The key version. */
  public int version() {
    return version;
  }

  /**
   * The encoded form the edge cached with {@link #cacheWireForm}, or null. Safe to share: callers
   * store immutable values only.
   */
  public Object cachedWireForm() {
    return wireForm;
  }

  /**
   * Caches an immutable encoded form of this key (for example the response message carrying it).
   */
  public void cacheWireForm(Object form) {
    this.wireForm = form;
  }

  @Override
  public String toString() {
    return "DerivedKey{v" + version + "}";
  }
}
