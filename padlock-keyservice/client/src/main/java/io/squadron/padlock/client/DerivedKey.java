package io.squadron.padlock.client;

import static java.util.Objects.requireNonNull;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A derived AES-256 key of one user, category and version. {@link #toString()} never shows the key.
 */
public final class DerivedKey {
  private final String category;
  private final int version;
  private final SecretKey key;

  private DerivedKey(String category, int version, SecretKey key) {
    this.category = category;
    this.version = version;
    this.key = key;
  }

  /**
   * A key from its 32 bytes (copied).
   *
   * @throws IllegalArgumentException when {@code key} is not 32 bytes or {@code version} is below 1
   */
  public static DerivedKey of(String category, int version, byte[] key) {
    requireNonNull(category, "category");
    requireNonNull(key, "key");
    if (key.length != 32) {
      throw new IllegalArgumentException("key: " + key.length + " bytes (expected: 32)");
    }
    if (version < 1) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 1)");
    }
    return new DerivedKey(category, version, new SecretKeySpec(key, "AES"));
  }

  /** The data category. */
  public String category() {
    return category;
  }

  /** The key version. */
  public int version() {
    return version;
  }

  /** The key, for {@code javax.crypto.Cipher}. */
  public SecretKey secretKey() {
    return key;
  }

  @Override
  public String toString() {
    return "DerivedKey{" + category + " v" + version + "}";
  }
}
