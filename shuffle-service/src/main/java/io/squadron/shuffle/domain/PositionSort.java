package io.squadron.shuffle.domain;

import java.util.Arrays;

/**
 * Sorts a range of item indices by their positions in {@code [0, 1)}, kept in a parallel {@code
 * double[]}. One pass of bucket sort (a counting sort into as many buckets as items) puts each item
 * in its slot; positions from the balanced shuffle are spread nearly uniformly, so buckets hold
 * about one item each and are finished by insertion sort, in linear time. A bucket that is large
 * anyway is heap-sorted, so the worst case stays O(n log n). No boxing, no comparator. Not
 * thread-safe; one per call.
 */
final class PositionSort {

  private static final int SMALL = 24;

  private final int[] counts;
  private final int[] itemBuffer;
  private final double[] keyBuffer;

  /** Creates a sorter for ranges of at most {@code capacity} items. */
  PositionSort(int capacity) {
    counts = new int[capacity + 1];
    itemBuffer = new int[capacity];
    keyBuffer = new double[capacity];
  }

  /**
   * Sorts {@code items[from, to)} by {@code keys[from, to)} ascending, moving both arrays together.
   * Keys must lie in {@code [0, 1)}.
   */
  void sort(int[] items, double[] keys, int from, int to) {
    int m = to - from;
    if (m <= SMALL) {
      insertionSort(items, keys, from, to);
      return;
    }
    int[] c = counts;
    Arrays.fill(c, 0, m + 1, 0);
    for (int t = from; t < to; t++) {
      c[bucket(keys[t], m) + 1]++;
    }
    for (int b = 1; b <= m; b++) {
      c[b] += c[b - 1];
    }
    for (int t = from; t < to; t++) {
      int d = c[bucket(keys[t], m)]++;
      itemBuffer[d] = items[t];
      keyBuffer[d] = keys[t];
    }
    System.arraycopy(itemBuffer, 0, items, from, m);
    System.arraycopy(keyBuffer, 0, keys, from, m);
    // After the scatter, c[b] is the end of bucket b.
    int begin = 0;
    for (int b = 0; b < m; b++) {
      int end = c[b];
      int size = end - begin;
      if (size > SMALL) {
        heapSort(items, keys, from + begin, from + end);
      } else if (size > 1) {
        insertionSort(items, keys, from + begin, from + end);
      }
      begin = end;
    }
  }

  private static int bucket(double key, int m) {
    int b = (int) (key * m);
    return b < m ? b : m - 1;
  }

  private static void insertionSort(int[] items, double[] keys, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      double k = keys[i];
      int item = items[i];
      int j = i - 1;
      while (j >= from && keys[j] > k) {
        keys[j + 1] = keys[j];
        items[j + 1] = items[j];
        j--;
      }
      keys[j + 1] = k;
      items[j + 1] = item;
    }
  }

  private static void heapSort(int[] items, double[] keys, int from, int to) {
    int n = to - from;
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(items, keys, from, i, n);
    }
    for (int end = n - 1; end > 0; end--) {
      swap(items, keys, from, from + end);
      siftDown(items, keys, from, 0, end);
    }
  }

  private static void siftDown(int[] items, double[] keys, int base, int i, int n) {
    while (true) {
      int child = 2 * i + 1;
      if (child >= n) {
        return;
      }
      if (child + 1 < n && keys[base + child + 1] > keys[base + child]) {
        child++;
      }
      if (keys[base + i] >= keys[base + child]) {
        return;
      }
      swap(items, keys, base + i, base + child);
      i = child;
    }
  }

  private static void swap(int[] items, double[] keys, int a, int b) {
    int item = items[a];
    items[a] = items[b];
    items[b] = item;
    double key = keys[a];
    keys[a] = keys[b];
    keys[b] = key;
  }
}
