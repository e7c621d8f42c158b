package io.squadron.padlock.server.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The memcached value of an active user: {@code 0x01, master version (int), wrapped root (short length + bytes),
 * blocked categories (byte count, then short length + UTF-8 each)}. Holds the wrapped root only, never a plaintext one.
 */
final class RootCodec {
  private static final byte FORMAT = 1;

  private RootCodec() {}

  static byte[] encode(StoredUser user) {
    if (user.shredded()) {
      throw new IllegalArgumentException("shredded users are never cached");
    }
    int size = 1 + 4 + 2 + user.wrappedRoot().length + 1;
    byte[][] categories = new byte[user.blocked().size()][];
    int i = 0;
    for (String category : user.blocked()) {
      categories[i] = category.getBytes(StandardCharsets.UTF_8);
      size += 2 + categories[i].length;
      i++;
    }
    ByteBuffer out = ByteBuffer.allocate(size).put(FORMAT).putInt(user.masterVersion())
        .putShort((short) user.wrappedRoot().length).put(user.wrappedRoot()).put((byte) categories.length);
    for (byte[] category : categories) {
      out.putShort((short) category.length).put(category);
    }
    return out.array();
  }

  /** The user, or empty when {@code value} is not in this format (treated as a miss). */
  static Optional<StoredUser> decode(String userId, Object value) {
    if (!(value instanceof byte[] bytes) || bytes.length < 8 || bytes[0] != FORMAT) {
      return Optional.empty();
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
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
        return Optional.empty();
      }
      return Optional.of(StoredUser.active(userId, masterVersion, wrapped, blocked));
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      return Optional.empty();
    }
  }
}
