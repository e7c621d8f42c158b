package io.squadron.padlock.client;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Random;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Encrypts one field of one user's data in one call, with AES-256-GCM under the user's Padlock key
 * for the field's category, and binds the ciphertext to where it lives.
 *
 * <p>Format (version 1):
 *
 * <pre>
 * 0x01 | category length (1 byte) | category (ASCII) | key version (4 bytes, big-endian) | nonce (12 random bytes)
 *      | AES-GCM ciphertext | 16-byte tag
 * </pre>
 *
 * The associated data is the whole header followed by the length-prefixed UTF-8 of service, table,
 * column and user id. So a value copied to another user, column, table or service, or altered in
 * any bit (header included), fails with {@link FieldCipherException} ({@code
 * AUTHENTICATION_FAILED}); it never decrypts to something else. A value whose header names another
 * category than the field's fails ({@code CATEGORY_MISMATCH}) before any key is asked for: the
 * field decides the key's category, never the stored value. New values use the category's current
 * key version; older values name theirs and still decrypt. Nonces are 96 random bits per encryption
 * from a {@link SecureRandom}: with random nonces NIST's bound is 2^32 encryptions per key, and
 * keys are per user, category and service.
 *
 * <p>Thread-safe. Key lookups go through the {@link KeySource} (a {@link PadlockClient}, cached): a
 * failed lookup throws {@link PadlockKeyException}, e.g. {@code KEYS_DELETED} once the user was
 * crypto-shredded.
 */
public final class FieldCipher {
  /** The format version written by this library. */
  public static final int FORMAT_VERSION = 1;

  /** The longest category name the header carries. */
  public static final int MAX_CATEGORY_LENGTH = 64;

  private static final int NONCE_LENGTH = 12;
  private static final int TAG_LENGTH = 16;
  private static final byte[] AAD_LABEL =
      "squadron.fieldcipher.v1".getBytes(StandardCharsets.US_ASCII);
  private static final ThreadLocal<Cipher> CIPHERS =
      ThreadLocal.withInitial(FieldCipher::newCipher);

  private final KeySource keys;
  private final byte[] service;
  private final Random random;

  private FieldCipher(KeySource keys, String service, Random random) {
    this.keys = keys;
    this.service = service.getBytes(StandardCharsets.UTF_8);
    this.random = random;
  }

  /**
   * A builder for the cipher of {@code service} (this service's own name, the one Padlock knows it
   * by: it is part of every value's associated data).
   */
  public static Builder builder(KeySource keys, String service) {
    return new Builder(keys, service);
  }

  /** Encrypts {@code plaintext} of {@code userId}'s {@code field} under the current key version. */
  public byte[] encrypt(Field field, String userId, byte[] plaintext) {
    requireNonNull(field, "field");
    requireNonNull(userId, "userId");
    requireNonNull(plaintext, "plaintext");
    DerivedKey key = keys.currentKey(userId, field.category());
    byte[] category = field.category().getBytes(StandardCharsets.US_ASCII);
    int headerLength = 1 + 1 + category.length + 4 + NONCE_LENGTH;
    byte[] out = new byte[headerLength + plaintext.length + TAG_LENGTH];
    ByteBuffer header = ByteBuffer.wrap(out);
    header
        .put((byte) FORMAT_VERSION)
        .put((byte) category.length)
        .put(category)
        .putInt(key.version());
    byte[] nonce = new byte[NONCE_LENGTH];
    random.nextBytes(nonce);
    header.put(nonce);
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(
          Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
      cipher.updateAAD(aad(out, headerLength, field, userId));
      cipher.doFinal(plaintext, 0, plaintext.length, out, headerLength);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
    return out;
  }

  /**
   * Decrypts a value written by {@link #encrypt} for the same service, field and user.
   *
   * @throws FieldCipherException when the value is malformed, altered or misplaced (never wrong
   *     plaintext)
   * @throws PadlockKeyException when the key cannot be had (deleted user, blocked category, Padlock
   *     unavailable)
   */
  public byte[] decrypt(Field field, String userId, byte[] ciphertext) {
    requireNonNull(field, "field");
    requireNonNull(userId, "userId");
    requireNonNull(ciphertext, "ciphertext");
    if (ciphertext.length < 2) {
      throw new FieldCipherException(FieldCipherException.Reason.MALFORMED, "ciphertext too short");
    }
    if (ciphertext[0] != FORMAT_VERSION) {
      throw new FieldCipherException(
          FieldCipherException.Reason.UNSUPPORTED_FORMAT,
          "unknown ciphertext format version "
              + (ciphertext[0] & 0xff)
              + " (this library reads "
              + FORMAT_VERSION
              + ")");
    }
    int categoryLength = ciphertext[1] & 0xff;
    int headerLength = 2 + categoryLength + 4 + NONCE_LENGTH;
    if (categoryLength == 0
        || categoryLength > MAX_CATEGORY_LENGTH
        || ciphertext.length < headerLength + TAG_LENGTH) {
      throw new FieldCipherException(
          FieldCipherException.Reason.MALFORMED, "ciphertext header malformed");
    }
    String category = new String(ciphertext, 2, categoryLength, StandardCharsets.US_ASCII);
    int version = ByteBuffer.wrap(ciphertext, 2 + categoryLength, 4).getInt();
    if (version < 1 || !category.chars().allMatch(c -> c > ' ' && c < 127)) {
      throw new FieldCipherException(
          FieldCipherException.Reason.MALFORMED, "ciphertext header malformed");
    }
    // The key is the field's category's, never the one the value claims: a value written under
    // another category's
    // key (one the user did not block, or that Padlock still serves) must not open here.
    if (!category.equals(field.category())) {
      throw new FieldCipherException(
          FieldCipherException.Reason.CATEGORY_MISMATCH,
          "ciphertext names another key category than its field's");
    }
    DerivedKey key = keys.key(userId, field.category(), version);
    try {
      Cipher cipher = CIPHERS.get();
      cipher.init(
          Cipher.DECRYPT_MODE,
          key.secretKey(),
          new GCMParameterSpec(
              TAG_LENGTH * 8, ciphertext, headerLength - NONCE_LENGTH, NONCE_LENGTH));
      cipher.updateAAD(aad(ciphertext, headerLength, field, userId));
      return cipher.doFinal(ciphertext, headerLength, ciphertext.length - headerLength);
    } catch (AEADBadTagException e) {
      throw new FieldCipherException(
          FieldCipherException.Reason.AUTHENTICATION_FAILED,
          "ciphertext failed authentication: it was altered, or belongs to another user, column, table or "
              + "service");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM decryption failed", e);
    }
  }

  /** {@link #encrypt} of the UTF-8 of {@code plaintext}. */
  public byte[] encryptString(Field field, String userId, String plaintext) {
    requireNonNull(plaintext, "plaintext");
    return encrypt(field, userId, plaintext.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@link #decrypt} into a string (the plaintext must be UTF-8, as {@link #encryptString} writes
   * it).
   */
  public String decryptString(Field field, String userId, byte[] ciphertext) {
    byte[] plain = decrypt(field, userId, ciphertext);
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(plain))
          .toString();
    } catch (CharacterCodingException e) {
      throw new FieldCipherException(
          FieldCipherException.Reason.MALFORMED, "plaintext is not UTF-8");
    }
  }

  /** The key version a stored value was written under (to find values still on an old version). */
  public static int keyVersionOf(byte[] ciphertext) {
    requireNonNull(ciphertext, "ciphertext");
    if (ciphertext.length < 2 || ciphertext[0] != FORMAT_VERSION) {
      throw new FieldCipherException(
          FieldCipherException.Reason.UNSUPPORTED_FORMAT, "not a version 1 ciphertext");
    }
    int categoryLength = ciphertext[1] & 0xff;
    if (ciphertext.length < 2 + categoryLength + 4) {
      throw new FieldCipherException(
          FieldCipherException.Reason.MALFORMED, "ciphertext header malformed");
    }
    return ByteBuffer.wrap(ciphertext, 2 + categoryLength, 4).getInt();
  }

  private byte[] aad(byte[] value, int headerLength, Field field, String userId) {
    byte[] table = field.table().getBytes(StandardCharsets.UTF_8);
    byte[] column = field.column().getBytes(StandardCharsets.UTF_8);
    byte[] user = userId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer aad =
        ByteBuffer.allocate(
            AAD_LABEL.length
                + headerLength
                + 16
                + service.length
                + table.length
                + column.length
                + user.length);
    aad.put(AAD_LABEL).put(value, 0, headerLength);
    aad.putInt(service.length).put(service);
    aad.putInt(table.length).put(table);
    aad.putInt(column.length).put(column);
    aad.putInt(user.length).put(user);
    return aad.array();
  }

  private static Cipher newCipher() {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM missing from this JDK", e);
    }
  }

  /** Assembles a {@link FieldCipher}. */
  public static final class Builder {
    private final KeySource keys;
    private final String service;
    private Random random;

    private Builder(KeySource keys, String service) {
      this.keys = requireNonNull(keys, "keys");
      this.service = requireNonNull(service, "service");
      if (service.isEmpty()) {
        throw new IllegalArgumentException("service: empty (expected: this service's name)");
      }
    }

    /**
     * The nonce source; a new {@link SecureRandom} by default. Use a SecureRandom outside tests.
     */
    public Builder random(Random random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    /** Builds the cipher. */
    public FieldCipher build() {
      return new FieldCipher(keys, service, random != null ? random : new SecureRandom());
    }
  }
}
