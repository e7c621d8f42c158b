package io.squadron.shuffle.domain;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Orders a playlist. Implementations are stateless and thread-safe; the order depends only on the
 * input list (its contents and their order) and on the random source, so the same seed always gives
 * the same order.
 *
 * <p>Implementations: {@link #fisherYates()} and {@link #balanced()}.
 */
public interface Shuffler {

  /**
   * Returns a uniform random shuffle (Fisher–Yates).
   *
   * @return the shared {@link FisherYatesShuffle} instance
   */
  static Shuffler fisherYates() {
    return FisherYatesShuffle.INSTANCE;
  }

  /**
   * Returns Spotify's balanced shuffle with the default jitter ({@link
   * BalancedShuffle#DEFAULT_JITTER}).
   *
   * @return the shared default {@link BalancedShuffle}
   */
  static Shuffler balanced() {
    return BalancedShuffle.DEFAULT;
  }

  /**
   * Computes the new order of {@code tracks} as a permutation of their indices: element {@code k}
   * of the result is the index in {@code tracks} of the track that goes to position {@code k}. Use
   * it to reorder any parallel structure (for example the request's own messages) without copying
   * tracks around.
   *
   * @param tracks the playlist; may be empty; must not contain {@code null}
   * @param random the random source; consumed by this call
   * @return a new array holding each of {@code 0 .. tracks.size() - 1} exactly once
   */
  int[] order(List<Track> tracks, RandomGenerator random);

  /**
   * Computes the new order of {@code tracks} for a seed; see {@link #order(List, RandomGenerator)}.
   *
   * @param tracks the playlist
   * @param seed the seed; the same seed and input always give the same order
   * @return a new array holding each of {@code 0 .. tracks.size() - 1} exactly once
   */
  default int[] order(List<Track> tracks, long seed) {
    return order(tracks, new SplittableRandom(seed));
  }

  /**
   * Returns the tracks in a new order.
   *
   * @param tracks the playlist; may be empty; must not contain {@code null}
   * @param random the random source; consumed by this call
   * @return an unmodifiable list holding every input track exactly once (duplicates stay
   *     duplicates)
   */
  default List<Track> shuffle(List<Track> tracks, RandomGenerator random) {
    requireNonNull(tracks, "tracks");
    requireNonNull(random, "random");
    Track[] in = tracks.toArray(new Track[0]);
    int[] order = order(Arrays.asList(in), random);
    Track[] out = new Track[in.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = in[order[k]];
    }
    return Collections.unmodifiableList(Arrays.asList(out));
  }

  /**
   * Returns the tracks in a new order for a seed.
   *
   * @param tracks the playlist; may be empty; must not contain {@code null}
   * @param seed the seed; the same seed and input always give the same order
   * @return an unmodifiable list holding every input track exactly once (duplicates stay
   *     duplicates)
   */
  default List<Track> shuffle(List<Track> tracks, long seed) {
    return shuffle(tracks, new SplittableRandom(seed));
  }
}
