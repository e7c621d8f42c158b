package io.squadron.shuffle.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The package-private building blocks: id tables and the position sort. */
class InternalsTest {

  @Test
  void stringIds_assignsDenseIdsInFirstSeenOrder_acrossGrowth() {
    StringIds ids = new StringIds(1);

    for (int i = 0; i < 10_000; i++) {
      assertThat(ids.idOf(new String("k" + i))).isEqualTo(i);
    }
    for (int i = 0; i < 10_000; i++) {
      assertThat(ids.idOf("k" + i)).isEqualTo(i);
    }
    assertThat(ids.size()).isEqualTo(10_000);
  }

  @Test
  void stringIds_equalHashCodes_differentIds() {
    StringIds ids = new StringIds(4);

    int aa = ids.idOf("Aa");
    int bb = ids.idOf("BB");

    assertThat(aa).isNotEqualTo(bb);
    assertThat(ids.idOf("BB")).isEqualTo(bb);
    assertThat(ids.idOf("Aa")).isEqualTo(aa);
  }

  @Test
  void stringIds_prefixesAndNonLatinText_distinct() {
    StringIds ids = new StringIds(4);

    assertThat(ids.idOf("")).isEqualTo(0);
    assertThat(ids.idOf("ab")).isEqualTo(1);
    assertThat(ids.idOf("abc")).isEqualTo(2);
    assertThat(ids.idOf("宇多田ヒカル")).isEqualTo(3);
    assertThat(ids.idOf("宇多田ヒカル")).isEqualTo(3);
    assertThat(ids.idOf("ab")).isEqualTo(1);
  }

  @Test
  void longIds_assignsDenseIds_acrossGrowth() {
    LongIds ids = new LongIds(1);

    for (long k = 0; k < 5_000; k++) {
      assertThat(ids.idOf(k * 0x1_0000_0001L)).isEqualTo((int) k);
    }
    assertThat(ids.idOf(0)).isZero();
    assertThat(ids.idOf(4_999 * 0x1_0000_0001L)).isEqualTo(4_999);
    assertThat(ids.size()).isEqualTo(5_000);
  }

  @Test
  void positionSort_randomKeys_sortedLikeArraysSort() {
    SplittableRandom random = new SplittableRandom(3);
    for (int n : new int[] {0, 1, 2, 5, 24, 25, 100, 10_000}) {
      double[] keys = random.doubles(n).toArray();
      int[] items = new int[n];
      Arrays.setAll(items, i -> i);
      double[] expected = keys.clone();
      Arrays.sort(expected);
      double[] original = keys.clone();

      new PositionSort(n).sort(items, keys, 0, n);

      assertThat(keys).containsExactly(expected);
      for (int k = 0; k < n; k++) {
        assertThat(original[items[k]]).isEqualTo(keys[k]);
      }
    }
  }

  @Test
  void positionSort_clusteredKeys_heapSortsLargeBuckets() {
    int n = 1_000;
    SplittableRandom random = new SplittableRandom(4);
    double[] keys = new double[n];
    for (int i = 0; i < n; i++) {
      // Everything in one bucket, many exact ties.
      keys[i] = 0.5 + random.nextInt(50) * 1e-9;
    }
    int[] items = new int[n];
    Arrays.setAll(items, i -> i);
    double[] original = keys.clone();
    double[] expected = keys.clone();
    Arrays.sort(expected);

    new PositionSort(n).sort(items, keys, 0, n);

    assertThat(keys).containsExactly(expected);
    assertThat(items).containsExactlyInAnyOrder(IntStream.range(0, n).toArray());
    for (int k = 0; k < n; k++) {
      assertThat(original[items[k]]).isEqualTo(keys[k]);
    }
  }

  @Test
  void positionSort_subRange_leavesTheRestAlone() {
    double[] keys = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
    int[] items = {0, 1, 2, 3, 4, 5};

    new PositionSort(6).sort(items, keys, 1, 5);

    assertThat(keys).containsExactly(0.9, 0.5, 0.6, 0.7, 0.8, 0.4);
    assertThat(items).containsExactly(0, 4, 3, 2, 1, 5);
  }
}
