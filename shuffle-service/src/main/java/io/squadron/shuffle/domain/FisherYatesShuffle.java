package io.squadron.shuffle.domain;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A uniform random permutation (Fisher–Yates, Durstenfeld's in-place variant): every order is
 * equally likely, so runs of one artist happen as often as chance allows. {@link #order} and {@link
 * #shuffle} draw the same random numbers, so for one seed they describe the same permutation.
 */
public final class FisherYatesShuffle implements Shuffler {

  static final FisherYatesShuffle INSTANCE = new FisherYatesShuffle();

  private FisherYatesShuffle() {}

  /**
   * Returns the shared instance (the class is stateless).
   *
   * @return the instance
   */
  public static FisherYatesShuffle create() {
    return INSTANCE;
  }

  @Override
  public int[] order(List<Track> tracks, RandomGenerator random) {
    requireNonNull(tracks, "tracks");
    requireNonNull(random, "random");
    int[] order = new int[tracks.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    shuffle(order, 0, order.length, random);
    return order;
  }

  /**
   * Shuffles the track array itself rather than an index array: the cheapest possible uniform
   * shuffle.
   */
  @Override
  public List<Track> shuffle(List<Track> tracks, RandomGenerator random) {
    requireNonNull(tracks, "tracks");
    requireNonNull(random, "random");
    Track[] out = tracks.toArray(new Track[0]);
    for (int i = out.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Track t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return Collections.unmodifiableList(Arrays.asList(out));
  }

  /**
   * Shuffles {@code a[from, to)} in place, uniformly.
   *
   * @param a the array
   * @param from first index, inclusive
   * @param to last index, exclusive
   * @param random the random source
   */
  static void shuffle(int[] a, int from, int to, RandomGenerator random) {
    for (int i = to - from - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[from + i];
      a[from + i] = a[from + j];
      a[from + j] = t;
    }
  }
}
