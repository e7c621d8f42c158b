package io.squadron.shuffle.domain;

/**
 * Interns strings to dense int ids {@code 0, 1, 2, ...} in order of first appearance, exactly (full
 * character comparison, not just hashes), without boxing or allocating per lookup.
 *
 * <p>Built for speed on large inputs where every string is a distinct object (as in a parsed
 * request): the table keeps, per slot, the hash, the id and where a copy of the key's characters
 * lies in one contiguous arena. A lookup therefore reads one table line and one arena region, both
 * in a few compact arrays, instead of chasing the first occurrence's {@code String} and its byte
 * array somewhere across the heap. Not thread-safe; one per call.
 */
final class StringIds {

  /** Ints per slot: hash, id + 1 (0 = empty), arena offset, length. */
  private static final int STRIDE = 4;

  private int[] table;
  private int mask;
  private int size;
  private char[] arena;
  private int arenaSize;

  StringIds(int expected) {
    int slots = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
    table = new int[slots * STRIDE];
    mask = slots - 1;
    arena = new char[Math.max(64, expected * 8)];
  }

  /** Returns the id of {@code s}, assigning the next free id the first time {@code s} is seen. */
  int idOf(String s) {
    int h = s.hashCode();
    int length = s.length();
    int[] t = table;
    int slot = mix(h) & mask;
    while (true) {
      int base = slot * STRIDE;
      int id = t[base + 1];
      if (id == 0) {
        return insert(base, h, s);
      }
      if (t[base] == h && t[base + 3] == length && sameChars(t[base + 2], s, length)) {
        return id - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Returns how many distinct strings have ids. */
  int size() {
    return size;
  }

  private boolean sameChars(int offset, String s, int length) {
    char[] a = arena;
    for (int i = 0; i < length; i++) {
      if (a[offset + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private int insert(int base, int h, String s) {
    int length = s.length();
    if (arenaSize + length > arena.length) {
      char[] bigger = new char[Math.max(arena.length * 2, arenaSize + length)];
      System.arraycopy(arena, 0, bigger, 0, arenaSize);
      arena = bigger;
    }
    s.getChars(0, length, arena, arenaSize);
    table[base] = h;
    table[base + 1] = ++size;
    table[base + 2] = arenaSize;
    table[base + 3] = length;
    arenaSize += length;
    if (size * 2 > mask + 1) {
      grow();
    }
    return size - 1;
  }

  private void grow() {
    int[] old = table;
    int slots = (mask + 1) * 2;
    table = new int[slots * STRIDE];
    mask = slots - 1;
    for (int base = 0; base < old.length; base += STRIDE) {
      if (old[base + 1] != 0) {
        int slot = mix(old[base]) & mask;
        while (table[slot * STRIDE + 1] != 0) {
          slot = (slot + 1) & mask;
        }
        System.arraycopy(old, base, table, slot * STRIDE, STRIDE);
      }
    }
  }

  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }
}
