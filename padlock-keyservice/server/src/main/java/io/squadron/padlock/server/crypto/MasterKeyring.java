package io.squadron.padlock.server.crypto;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The versioned master keys that wrap users' root secrets at rest (AES-256-GCM, random 96-bit nonce
 * per wrap, associated data binding the wrapped root to its user and master key version, so a
 * wrapped root copied to another user's row does not unwrap). New roots are wrapped under the
 * current version; every listed version still unwraps, which is what lets a rotation rewrap lazily.
 *
 * <p>Wrapped form: {@code nonce (12 bytes) || ciphertext (32 bytes) || tag (16 bytes)}. Never
 * logged; {@link #toString()} names only the versions.
 */
public final class MasterKeyring {
  /** Length of a master key and of a root secret. */
  public static final int KEY_LENGTH = 32;

  /** Length of a wrapped root. */
  public static final int WRAPPED_LENGTH = 12 + KEY_LENGTH + 16;

  private static final int NONCE_LENGTH = 12;
  private static final int TAG_BITS = 128;
  private static final byte[] AAD_LABEL =
      "squadron.padlock.wrap.v1".getBytes(StandardCharsets.US_ASCII);

  private final Map<Integer, SecretKeySpec> keys;
  private final int current;
  private final SecureRandom random;

  private MasterKeyring(Map<Integer, SecretKeySpec> keys, int current, SecureRandom random) {
    this.keys = keys;
    this.current = current;
    this.random = random;
  }

  /**
   * A keyring of {@code keys} (version -> 32 key bytes), wrapping new roots under {@code current}.
   *
   * @throws IllegalArgumentException when a key is not 32 bytes, a version is not positive, or
   *     {@code current} is not among the versions (the message names versions, never key bytes)
   */
  public static MasterKeyring of(Map<Integer, byte[]> keys, int current, SecureRandom random) {
    requireNonNull(keys, "keys");
    requireNonNull(random, "random");
    Map<Integer, SecretKeySpec> copy = new TreeMap<>();
    keys.forEach(
        (version, key) -> {
          if (version == null || version < 1) {
            throw new IllegalArgumentException(
                "master key version: " + version + " (expected: >= 1)");
          }
          if (key == null || key.length != KEY_LENGTH) {
            throw new IllegalArgumentException(
                "master key "
                    + version
                    + ": "
                    + (key == null ? "missing" : key.length + " bytes")
                    + " (expected: "
                    + KEY_LENGTH
                    + " bytes)");
          }
          copy.put(version, new SecretKeySpec(key, "AES"));
        });
    if (!copy.containsKey(current)) {
      throw new IllegalArgumentException(
          "current master key version: " + current + " (expected: one of " + copy.keySet() + ")");
    }
    return new MasterKeyring(Collections.unmodifiableMap(copy), current, random);
  }

  /** The version new roots are wrapped under. */
  public int currentVersion() {
    return current;
  }

  /** The configured versions, ascending. */
  public java.util.Set<Integer> versions() {
    return keys.keySet();
  }

  /**
   * A 32-byte key for another purpose derived from master key {@code version} with HKDF ({@code
   * purpose} as the info string), so the master key itself only ever wraps roots.
   */
  byte[] derivedKey(int version, String purpose) {
    SecretKeySpec key = keys.get(version);
    if (key == null) {
      throw new IllegalArgumentException("master key version " + version + " is not configured");
    }
    byte[] master = key.getEncoded();
    try {
      return Hkdf.derive(
          PURPOSE_SALT, master, purpose.getBytes(StandardCharsets.US_ASCII), KEY_LENGTH);
    } finally {
      wipe(master);
    }
  }

  private static final byte[] PURPOSE_SALT =
      "squadron.padlock.master.purpose.v1".getBytes(StandardCharsets.US_ASCII);

  /** Whether {@code version} can still unwrap. */
  public boolean hasVersion(int version) {
    return keys.containsKey(version);
  }

  /** A fresh random 32-byte root secret. */
  public byte[] newRoot() {
    byte[] root = new byte[KEY_LENGTH];
    random.nextBytes(root);
    return root;
  }

  /** Wraps {@code root} of {@code userId} under the current master key. */
  public byte[] wrap(String userId, byte[] root) {
    requireNonNull(userId, "userId");
    requireNonNull(root, "root");
    if (root.length != KEY_LENGTH) {
      throw new IllegalArgumentException(
          "root: " + root.length + " bytes (expected: " + KEY_LENGTH + ")");
    }
    byte[] out = new byte[WRAPPED_LENGTH];
    random.nextBytes(out); // the first 12 bytes are the nonce; the rest is overwritten below
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          keys.get(current),
          new GCMParameterSpec(TAG_BITS, out, 0, NONCE_LENGTH));
      cipher.updateAAD(aad(userId, current));
      cipher.doFinal(root, 0, root.length, out, NONCE_LENGTH);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM wrap failed", e);
    }
    return out;
  }

  /**
   * Unwraps a root of {@code userId} wrapped under master key {@code version}.
   *
   * @throws UnwrapException when the version is unknown or the wrapped root is not authentic for
   *     this user
   */
  public byte[] unwrap(String userId, int version, byte[] wrapped) {
    requireNonNull(userId, "userId");
    requireNonNull(wrapped, "wrapped");
    SecretKeySpec key = keys.get(version);
    if (key == null) {
      throw new UnwrapException("master key version " + version + " is not configured");
    }
    if (wrapped.length != WRAPPED_LENGTH) {
      throw new UnwrapException(
          "wrapped root has " + wrapped.length + " bytes (expected: " + WRAPPED_LENGTH + ")");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, wrapped, 0, NONCE_LENGTH));
      cipher.updateAAD(aad(userId, version));
      return cipher.doFinal(wrapped, NONCE_LENGTH, wrapped.length - NONCE_LENGTH);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new UnwrapException(
          "wrapped root failed authentication (wrong user, version or master key)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM unwrap failed", e);
    }
  }

  private static byte[] aad(String userId, int version) {
    byte[] user = userId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(AAD_LABEL.length + 4 + user.length + 4)
        .put(AAD_LABEL)
        .putInt(user.length)
        .put(user)
        .putInt(version)
        .array();
  }

  @Override
  public String toString() {
    return "MasterKeyring{versions=" + keys.keySet() + ", current=" + current + "}";
  }

  /** A wrapped root that cannot be unwrapped. Carries no key material and no stack trace. */
  public static final class UnwrapException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnwrapException(String message) {
      super(message, null, false, false);
    }
  }

  /** Zeroes a byte array holding key material once it is no longer needed. */
  public static void wipe(byte[] secret) {
    if (secret != null) {
      Arrays.fill(secret, (byte) 0);
    }
  }
}
