package io.squadron.padlock.server.crypto;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How Padlock derives a key from a user's root secret: {@code PRK = HKDF-Extract(SALT, root)} once
 * per user, then {@code key = HKDF-Expand(PRK, info, 32)} with {@code info} binding the category,
 * the calling service and the key version (each length-prefixed, so no two triples share an info
 * string). Different service, category or version: an unrelated key.
 */
public final class KeyDerivation {
  /** Derived keys are AES-256 keys. */
  public static final int KEY_LENGTH = 32;

  private static final byte[] SALT = "squadron.padlock.root.v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] LABEL =
      "squadron.padlock.derived.v1".getBytes(StandardCharsets.US_ASCII);

  private KeyDerivation() {}

  /** The per-user pseudorandom key, computed once per root and kept instead of the root itself. */
  public static byte[] userPrk(byte[] root) {
    requireNonNull(root, "root");
    return Hkdf.extract(SALT, root);
  }

  /** The derived key of (category, service, version) for the user whose PRK is {@code prk}. */
  public static byte[] derive(byte[] prk, String category, String service, int version) {
    return Hkdf.expand(prk, info(category, service, version), KEY_LENGTH);
  }

  /**
   * The HKDF info string: label, then length-prefixed category and service, then the version
   * (big-endian).
   */
  static byte[] info(String category, String service, int version) {
    requireNonNull(category, "category");
    requireNonNull(service, "service");
    if (version < 1) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 1)");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.writeBytes(LABEL);
    writeField(out, category.getBytes(StandardCharsets.UTF_8));
    writeField(out, service.getBytes(StandardCharsets.UTF_8));
    writeInt(out, version);
    return out.toByteArray();
  }

  private static void writeField(ByteArrayOutputStream out, byte[] field) {
    writeInt(out, field.length);
    out.writeBytes(field);
  }

  private static void writeInt(ByteArrayOutputStream out, int value) {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }
}
