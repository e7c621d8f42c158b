package io.squadron.shuffle.domain;

/**
 * Interns {@code long} keys to dense int ids {@code 0, 1, 2, ...} in order of first appearance: an
 * open-addressing table of primitives, no boxing. Not thread-safe; one per call.
 */
final class LongIds {

  private long[] keys;
  private int[] ids;
  private int shift;
  private int size;

  LongIds(int expected) {
    int slots = Integer.highestOneBit(Math.max(16, expected) * 2 - 1) << 1;
    keys = new long[slots];
    ids = new int[slots];
    shift = 64 - Integer.numberOfTrailingZeros(slots);
  }

  /**
   * Returns the id of {@code key}, assigning the next free id the first time {@code key} is seen.
   */
  int idOf(long key) {
    int mask = keys.length - 1;
    int slot = slot(key);
    while (true) {
      int id = ids[slot];
      if (id == 0) {
        keys[slot] = key;
        ids[slot] = ++size;
        if (size * 2 > keys.length) {
          grow();
        }
        return size - 1;
      }
      if (keys[slot] == key) {
        return id - 1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Returns how many distinct keys have ids. */
  int size() {
    return size;
  }

  private int slot(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldIds = ids;
    keys = new long[oldKeys.length * 2];
    ids = new int[keys.length];
    shift--;
    int mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldIds[i] != 0) {
        int slot = slot(oldKeys[i]);
        while (ids[slot] != 0) {
          slot = (slot + 1) & mask;
        }
        keys[slot] = oldKeys[i];
        ids[slot] = oldIds[i];
      }
    }
  }
}
