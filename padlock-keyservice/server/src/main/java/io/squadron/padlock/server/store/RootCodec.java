package io.squadron.padlock.server.store;

import io.squadron.padlock.server.crypto.EntryAuthenticator;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The memcached value of a user (format 2), authenticated with an {@link EntryAuthenticator} tag:
 *
 * <pre>
 * 0x02 | kind (1: live, 2: shredded, 3: changed) | tag key version (int) | written at (epoch milliseconds, long)
 *      | expires at (epoch seconds, long)
 *      | live only: master version (int), wrapped root (short length + bytes),
 *                   blocked categories (byte count, then short length + UTF-8 each, sorted)
 *      | tag (32 bytes: HMAC-SHA256 over the user id and every byte before it)
 * </pre>
 *
 * The tag covers the user, the kind (so a shredded marker cannot be turned back into a live user),
 * the master version, the wrapped root, the blocked list (so a block cannot be lifted) and the
 * expiry (so an entry cannot be made to live longer than Padlock wrote it for). Holds a wrapped
 * root only, never a plaintext one. Format 1 values (no tag) and anything else that does not verify
 * are rejected, never trusted.
 */
final class RootCodec {
  static final byte FORMAT = 2;

  /** Format, kind, tag key version, written at, expires at. */
  private static final int HEADER = 1 + 1 + 4 + 8 + 8;

  /** What an entry says about its user. */
  enum Kind {
    /** An active user's wrapped root and blocked categories. */
    LIVE(1),
    /** The user's keys were deleted. */
    SHREDDED(2),
    /**
     * The user changed (blocked or unblocked a category): read the store, then replace this with
     * CAS.
     */
    CHANGED(3);

    final byte code;

    Kind(int code) {
      this.code = (byte) code;
    }
  }

  /** Why a value present in memcached was not used. */
  enum Rejection {
    /** Not a format 2 value (an older Padlock's, or garbage). */
    FORMAT,
    /** The tag does not verify: altered, forged or moved from another user. */
    FORGED,
    /** Past the expiry it was written with (kept longer than Padlock asked, or replayed). */
    EXPIRED,
    /** Tagged under a master key version this server does not have. */
    UNKNOWN_KEY,
    /** Written before the latest change of its user (a late fill, or a replay). */
    STALE
  }

  /**
   * A decoded value: {@code rejection} set, or a {@code kind} (with {@code user} for LIVE and
   * SHREDDED).
   *
   * @param kind the kind, when valid
   * @param user the user (active or shredded), for a valid LIVE or SHREDDED value
   * @param writtenAtMillis when the value was written (epoch milliseconds), when valid
   * @param rejection why the value was not used, or null
   */
  record Decoded(Kind kind, StoredUser user, long writtenAtMillis, Rejection rejection) {
    static Decoded rejected(Rejection why) {
      return new Decoded(null, null, 0, why);
    }
  }

  private RootCodec() {}

  static byte[] live(
      StoredUser user, long writtenAtMillis, long expiresAt, EntryAuthenticator auth) {
    if (user.shredded()) {
      throw new IllegalArgumentException("a shredded user is written with shredded()");
    }
    List<byte[]> categories = new ArrayList<>();
    user.blocked().stream()
        .sorted()
        .forEach(c -> categories.add(c.getBytes(StandardCharsets.UTF_8)));
    int size = HEADER + 4 + 2 + user.wrappedRoot().length + 1;
    for (byte[] category : categories) {
      size += 2 + category.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size + EntryAuthenticator.TAG_LENGTH);
    out.put(FORMAT)
        .put(Kind.LIVE.code)
        .putInt(auth.currentVersion())
        .putLong(writtenAtMillis)
        .putLong(expiresAt)
        .putInt(user.masterVersion())
        .putShort((short) user.wrappedRoot().length)
        .put(user.wrappedRoot())
        .put((byte) categories.size());
    for (byte[] category : categories) {
      out.putShort((short) category.length).put(category);
    }
    return sign(user.userId(), out, size, auth);
  }

  static byte[] marker(
      String userId, Kind kind, long writtenAtMillis, long expiresAt, EntryAuthenticator auth) {
    if (kind == Kind.LIVE) {
      throw new IllegalArgumentException("a live user is written with live()");
    }
    int size = HEADER;
    ByteBuffer out = ByteBuffer.allocate(size + EntryAuthenticator.TAG_LENGTH);
    out.put(FORMAT)
        .put(kind.code)
        .putInt(auth.currentVersion())
        .putLong(writtenAtMillis)
        .putLong(expiresAt);
    return sign(userId, out, size, auth);
  }

  private static byte[] sign(String userId, ByteBuffer out, int size, EntryAuthenticator auth) {
    byte[] bytes = out.array();
    System.arraycopy(auth.tag(userId, bytes, size), 0, bytes, size, EntryAuthenticator.TAG_LENGTH);
    return bytes;
  }

  /** Decodes and verifies {@code value} as {@code userId}'s entry at {@code nowEpochSecond}. */
  static Decoded decode(String userId, Object value, EntryAuthenticator auth, long nowEpochSecond) {
    if (!(value instanceof byte[] bytes)
        || bytes.length < HEADER + EntryAuthenticator.TAG_LENGTH
        || bytes[0] != FORMAT) {
      return Decoded.rejected(Rejection.FORMAT);
    }
    int bodyLength = bytes.length - EntryAuthenticator.TAG_LENGTH;
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, bodyLength);
    in.get();
    byte kindCode = in.get();
    int tagVersion = in.getInt();
    long writtenAt = in.getLong();
    long expiresAt = in.getLong();
    if (!auth.hasVersion(tagVersion)) {
      return Decoded.rejected(Rejection.UNKNOWN_KEY);
    }
    if (!auth.verify(tagVersion, userId, bytes, bodyLength, bytes, bodyLength)) {
      return Decoded.rejected(Rejection.FORGED);
    }
    if (expiresAt <= nowEpochSecond) {
      return Decoded.rejected(Rejection.EXPIRED);
    }
    try {
      if (kindCode == Kind.SHREDDED.code && !in.hasRemaining()) {
        return new Decoded(Kind.SHREDDED, StoredUser.shredded(userId), writtenAt, null);
      }
      if (kindCode == Kind.CHANGED.code && !in.hasRemaining()) {
        return new Decoded(Kind.CHANGED, null, writtenAt, null);
      }
      if (kindCode != Kind.LIVE.code) {
        return Decoded.rejected(Rejection.FORMAT);
      }
      int masterVersion = in.getInt();
      byte[] wrapped = new byte[in.getShort()];
      in.get(wrapped);
      int count = in.get() & 0xff;
      Set<String> blocked = new HashSet<>();
      for (int i = 0; i < count; i++) {
        byte[] category = new byte[in.getShort()];
        in.get(category);
        blocked.add(new String(category, StandardCharsets.UTF_8));
      }
      if (in.hasRemaining() || masterVersion < 1) {
        return Decoded.rejected(Rejection.FORMAT);
      }
      return new Decoded(
          Kind.LIVE, StoredUser.active(userId, masterVersion, wrapped, blocked), writtenAt, null);
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      return Decoded.rejected(Rejection.FORMAT);
    }
  }
}
