package io.squadron.padlock.server.crypto;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256 (RFC 5869): {@link #extract} turns input keying material into a
 * pseudorandom key, {@link #expand} stretches that into output keys bound to an {@code info}
 * string. JDK 17 has no {@code KDF} API, so this is the RFC's few lines over {@link Mac}; one
 * {@code Mac} per thread is reused.
 */
public final class Hkdf {
  /** The hash length of SHA-256, and so the length of a pseudorandom key. */
  public static final int HASH_LENGTH = 32;

  private static final String HMAC = "HmacSHA256";
  private static final ThreadLocal<Mac> MACS = ThreadLocal.withInitial(Hkdf::newMac);

  private Hkdf() {}

  /**
   * HKDF-Extract(salt, ikm): a 32-byte pseudorandom key. An empty salt means 32 zero bytes, as the
   * RFC says.
   */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    requireNonNull(salt, "salt");
    requireNonNull(ikm, "ikm");
    Mac mac = MACS.get();
    init(mac, salt.length == 0 ? new byte[HASH_LENGTH] : salt);
    return mac.doFinal(ikm);
  }

  /**
   * HKDF-Expand(prk, info, length).
   *
   * @param prk a pseudorandom key of at least 32 bytes (normally the output of {@link #extract})
   * @param length the output length, 1..8160 bytes (255 hash lengths)
   */
  public static byte[] expand(byte[] prk, byte[] info, int length) {
    requireNonNull(prk, "prk");
    requireNonNull(info, "info");
    if (prk.length < HASH_LENGTH) {
      throw new IllegalArgumentException(
          "prk: " + prk.length + " bytes (expected: >= " + HASH_LENGTH + ")");
    }
    if (length < 1 || length > 255 * HASH_LENGTH) {
      throw new IllegalArgumentException(
          "length: " + length + " (expected: 1.." + 255 * HASH_LENGTH + ")");
    }
    Mac mac = MACS.get();
    init(mac, prk);
    byte[] out = new byte[length];
    byte[] block = new byte[0];
    int written = 0;
    for (int counter = 1; written < length; counter++) {
      mac.update(block);
      mac.update(info);
      mac.update((byte) counter);
      block = mac.doFinal();
      int n = Math.min(block.length, length - written);
      System.arraycopy(block, 0, out, written, n);
      written += n;
    }
    return out;
  }

  /** Extract then expand. */
  public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
    return expand(extract(salt, ikm), info, length);
  }

  private static void init(Mac mac, byte[] key) {
    try {
      mac.init(new SecretKeySpec(key, HMAC));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC key rejected", e);
    }
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance(HMAC);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(HMAC + " missing from this JDK", e);
    }
  }
}
