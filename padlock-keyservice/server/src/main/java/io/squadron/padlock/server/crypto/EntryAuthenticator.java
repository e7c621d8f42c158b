package io.squadron.padlock.server.crypto;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates the entries Padlock keeps in a shared cache (memcached): HMAC-SHA256 under a key
 * derived from a master key version (HKDF, its own purpose string), over a label, the user id
 * (length-prefixed) and the entry's bytes. Whoever can write to the cache but holds no master key
 * can then neither forge an entry, nor change one (lift a block, turn a shredded marker into a live
 * user), nor move one to another user. Every configured master key version verifies; new tags use
 * the current one.
 */
public final class EntryAuthenticator {
  /** Length of a tag. */
  public static final int TAG_LENGTH = 32;

  private static final String HMAC = "HmacSHA256";
  private static final String PURPOSE = "squadron.padlock.cache-entry-mac.v1";
  private static final byte[] LABEL =
      "squadron.padlock.cache-entry.v1".getBytes(StandardCharsets.US_ASCII);

  private final Map<Integer, SecretKeySpec> keys;
  private final int current;
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(EntryAuthenticator::newMac);

  private EntryAuthenticator(Map<Integer, SecretKeySpec> keys, int current) {
    this.keys = keys;
    this.current = current;
  }

  /** An authenticator keyed from every master key version of {@code keyring}. */
  public static EntryAuthenticator of(MasterKeyring keyring) {
    requireNonNull(keyring, "keyring");
    Map<Integer, SecretKeySpec> keys = new HashMap<>();
    for (int version : keyring.versions()) {
      byte[] key = keyring.derivedKey(version, PURPOSE);
      keys.put(version, new SecretKeySpec(key, HMAC));
      MasterKeyring.wipe(key);
    }
    return new EntryAuthenticator(Map.copyOf(keys), keyring.currentVersion());
  }

  /** The master key version new tags are made under. */
  public int currentVersion() {
    return current;
  }

  /** Whether tags of {@code version} can be checked. */
  public boolean hasVersion(int version) {
    return keys.containsKey(version);
  }

  /** The tag of {@code body[0..length)} for {@code userId}, under the current version. */
  public byte[] tag(String userId, byte[] body, int length) {
    return mac(current, userId, body, length);
  }

  /**
   * Whether {@code tag[tagOffset..+32)} is the tag of {@code body[0..length)} for {@code userId}
   * under {@code version} (constant time); false when the version is not configured.
   */
  public boolean verify(
      int version, String userId, byte[] body, int length, byte[] tag, int tagOffset) {
    if (!keys.containsKey(version) || tag.length - tagOffset < TAG_LENGTH) {
      return false;
    }
    byte[] expected = mac(version, userId, body, length);
    byte[] given = java.util.Arrays.copyOfRange(tag, tagOffset, tagOffset + TAG_LENGTH);
    return MessageDigest.isEqual(expected, given);
  }

  private byte[] mac(int version, String userId, byte[] body, int length) {
    Mac mac = macs.get();
    try {
      mac.init(keys.get(version));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC key rejected", e);
    }
    byte[] user = userId.getBytes(StandardCharsets.UTF_8);
    mac.update(LABEL);
    mac.update(
        new byte[] {
          (byte) (user.length >>> 24),
          (byte) (user.length >>> 16),
          (byte) (user.length >>> 8),
          (byte) user.length
        });
    mac.update(user);
    mac.update(body, 0, length);
    return mac.doFinal();
  }

  private static Mac newMac() {
    try {
      return Mac.getInstance(HMAC);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(HMAC + " missing from this JDK", e);
    }
  }

  @Override
  public String toString() {
    return "EntryAuthenticator{versions=" + keys.keySet() + ", current=" + current + "}";
  }
}
