package io.squadron.shuffle.domain;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;
import java.util.random.RandomGenerator;

/**
 * Spotify's balanced shuffle ("How to shuffle songs?"): a playlist that <em>feels</em> random,
 * without runs of one artist.
 *
 * <ol>
 *   <li>Group the tracks by artist.
 *   <li>Shuffle each artist's tracks (Fisher–Yates). When album ids are given, do it one level down
 *       first: shuffle each album's tracks, spread each album over the artist's sequence the way
 *       step 3 spreads artists over the playlist, and merge the albums by position.
 *   <li>Give an artist with {@code n} tracks the positions {@code (i + offset + jitter_i) / n} in
 *       {@code [0, 1)}: evenly spaced with gap {@code 1/n}, from a random offset (one per artist,
 *       uniform in {@code [0, 1)} of a gap, so artists do not start together) and a small random
 *       jitter per track (uniform in {@code ±jitter} of a gap).
 *   <li>Merge all artists by position.
 * </ol>
 *
 * <p>One refinement for dominant artists (more than 1/8 of the playlist). The many small artists,
 * each with its own random offset, do not fill the playlist evenly: their merged positions bunch
 * and leave holes as random points do, and a hole between two of a big artist's positions puts two
 * of its tracks side by side. For an artist with a share {@code s} of the tracks that happens at
 * about {@code e^(-(1-s)/s)} of its gaps: 1 in 5 for 40%. So dominant artists are merged after the
 * others, smallest first, each against everything merged so far treated as one evenly spread
 * sequence (both sides get evenly spaced, jittered positions and are interleaved by position). Each
 * side keeps its order, so the artists merged earlier stay evenly spread, and a dominant artist's
 * tracks are separated by the rest as evenly as the counts allow.
 *
 * <p>Artists are told apart exactly (by their full id). Albums are told apart within an artist by
 * the album id's {@link String#hashCode()}: two different albums of one artist whose ids share a
 * hash code (and an album whose id hashes to 0, which shares it with "no album") are spread as one
 * album. That only makes their spacing slightly less even; the output is a permutation of the input
 * either way.
 *
 * <p>Runs in linear expected time without boxing: artist ids are interned to ints in one pass,
 * (artist, album) pairs in a primitive table, tracks are laid out by counting sort and positions
 * are sorted as primitive doubles by a bucket sort. Deterministic for a given input order and
 * random source; stateless and thread-safe.
 */
public final class BalancedShuffle implements Shuffler {

  /** The default jitter: each track moves by up to 10% of its artist's gap either way. */
  public static final double DEFAULT_JITTER = 0.1;

  static final BalancedShuffle DEFAULT = new BalancedShuffle(DEFAULT_JITTER);

  /**
   * An artist with more than {@code 1/8} of the playlist is dominant: merged after the others (see
   * the class comment). At most 7 artists can be dominant, so the extra merges cost at most a few
   * linear passes.
   */
  private static final int DOMINANT_SHARE_DIVISOR = 8;

  private static final double BELOW_ONE = Math.nextDown(1.0);

  private final double jitter;

  private BalancedShuffle(double jitter) {
    this.jitter = jitter;
  }

  /**
   * Returns the balanced shuffle with {@link #DEFAULT_JITTER}.
   *
   * @return the shared default instance
   */
  public static BalancedShuffle create() {
    return DEFAULT;
  }

  /**
   * Returns a balanced shuffle with the given jitter.
   *
   * @param jitter how far each track may move from its evenly spaced position, as a fraction of its
   *     artist's gap; {@code 0} spaces every artist exactly evenly
   * @return the shuffle
   * @throws IllegalArgumentException if {@code jitter} is not in {@code [0, 0.5]}
   */
  public static BalancedShuffle withJitter(double jitter) {
    if (!(jitter >= 0 && jitter <= 0.5)) {
      throw new IllegalArgumentException("jitter: " + jitter + " (expected: >= 0 and <= 0.5)");
    }
    return new BalancedShuffle(jitter);
  }

  /**
   * Returns this shuffle's jitter.
   *
   * @return the largest move of a track from its evenly spaced position, as a fraction of its
   *     artist's gap
   */
  public double jitter() {
    return jitter;
  }

  @Override
  public int[] order(List<Track> tracks, RandomGenerator random) {
    requireNonNull(tracks, "tracks");
    requireNonNull(random, "random");
    List<Track> list = tracks instanceof RandomAccess ? tracks : new ArrayList<>(tracks);
    int n = list.size();
    if (n == 0) {
      return new int[0];
    }

    // One sequential pass over the input: exact artist ids, album hash codes.
    StringIds artists = new StringIds(Math.min(n, 1024));
    int[] artistOf = new int[n];
    int[] albumHash = new int[n];
    boolean anyAlbum = false;
    for (int i = 0; i < n; i++) {
      Track t = list.get(i);
      artistOf[i] = artists.idOf(t.artistId());
      String album = t.albumId();
      if (!album.isEmpty()) {
        anyAlbum = true;
        albumHash[i] = album.hashCode();
      }
    }
    int artistCount = artists.size();

    // Groups: one per (artist, album), or one per artist when no track names an album.
    int[] groupOf;
    int[] groupArtist;
    int groupCount;
    if (anyAlbum) {
      LongIds groups = new LongIds(Math.min(n, 1024));
      groupOf = new int[n];
      groupArtist = new int[Math.min(n, 1024)];
      groupCount = 0;
      for (int i = 0; i < n; i++) {
        int g = groups.idOf(((long) artistOf[i] << 32) | (albumHash[i] & 0xFFFF_FFFFL));
        if (g == groupCount) {
          if (g == groupArtist.length) {
            groupArtist = Arrays.copyOf(groupArtist, Math.min(n, 2 * g));
          }
          groupArtist[g] = artistOf[i];
          groupCount++;
        }
        groupOf[i] = g;
      }
    } else {
      groupOf = artistOf;
      groupCount = artistCount;
      groupArtist = identity(artistCount);
    }

    // Rank the artists: the ordinary ones first (first-seen order), then the dominant ones by
    // ascending size.
    int[] artistSize = new int[artistCount];
    for (int i = 0; i < n; i++) {
      artistSize[artistOf[i]]++;
    }
    int[] artistRank = new int[artistCount];
    int[] dominant = dominantBySize(artistSize, n);
    int ordinaryCount = artistCount - dominant.length;
    int rank = 0;
    for (int a = 0; a < artistCount; a++) {
      if (!isDominant(artistSize[a], n)) {
        artistRank[a] = rank++;
      }
    }
    for (int a : dominant) {
      artistRank[a] = rank++;
    }
    int[] groupRank = new int[groupCount];
    for (int g = 0; g < groupCount; g++) {
      groupRank[g] = artistRank[groupArtist[g]];
    }

    // Lay the tracks out artist by artist in rank order, and within an artist album by album
    // (stable counting
    // sorts).
    int[] groupsByRank = new int[groupCount];
    int[] rankGroupStart = new int[artistCount + 1];
    countingSort(
        identity(groupCount), groupRank, groupCount, artistCount, groupsByRank, rankGroupStart);
    int[] groupEnd = new int[groupCount];
    for (int i = 0; i < n; i++) {
      groupEnd[groupOf[i]]++;
    }
    int offset = 0;
    for (int k = 0; k < groupCount; k++) {
      int g = groupsByRank[k];
      int size = groupEnd[g];
      groupEnd[g] = offset;
      offset += size;
    }
    int[] items = new int[n];
    for (int i = 0; i < n; i++) {
      items[groupEnd[groupOf[i]]++] = i;
    }
    // Now groupEnd[g] is where group g ends; an artist's groups are adjacent.

    // Each artist's own order: Fisher–Yates, or its albums spread and merged.
    double[] positions = new double[n];
    PositionSort sorter = new PositionSort(n);
    int[] artistEnd = new int[artistCount];
    int from = 0;
    for (int r = 0; r < artistCount; r++) {
      int firstGroup = rankGroupStart[r];
      int lastGroup = rankGroupStart[r + 1] - 1;
      int to = groupEnd[groupsByRank[lastGroup]];
      if (firstGroup == lastGroup) {
        FisherYatesShuffle.shuffle(items, from, to, random);
      } else {
        int groupFrom = from;
        for (int k = firstGroup; k <= lastGroup; k++) {
          int groupTo = groupEnd[groupsByRank[k]];
          FisherYatesShuffle.shuffle(items, groupFrom, groupTo, random);
          spread(positions, groupFrom, groupTo, random);
          groupFrom = groupTo;
        }
        sorter.sort(items, positions, from, to);
      }
      if (r < ordinaryCount) {
        spread(positions, from, to, random);
      }
      artistEnd[r] = to;
      from = to;
    }

    // Merge the ordinary artists by position, then each dominant artist into everything merged so
    // far.
    int merged = ordinaryCount == 0 ? 0 : artistEnd[ordinaryCount - 1];
    sorter.sort(items, positions, 0, merged);
    int[] buffer = dominant.length == 0 ? null : new int[n];
    for (int r = ordinaryCount; r < artistCount; r++) {
      mergeEvenly(items, merged, artistEnd[r], buffer, random);
      merged = artistEnd[r];
    }
    return items;
  }

  /**
   * Merges {@code items[0, split)} (everything merged so far) with {@code items[split, end)} (one
   * dominant artist), giving both sequences evenly spaced, jittered positions and interleaving them
   * by position; both keep their order.
   */
  private void mergeEvenly(int[] items, int split, int end, int[] buffer, RandomGenerator random) {
    int m = split;
    int k = end - split;
    if (m == 0) {
      return;
    }
    double offsetM = random.nextDouble();
    double offsetK = random.nextDouble();
    int i = 0;
    int j = 0;
    int w = 0;
    double pm = position(0, offsetM, m, random);
    double pk = position(0, offsetK, k, random);
    while (i < m && j < k) {
      if (pm <= pk) {
        buffer[w++] = items[i++];
        pm = position(i, offsetM, m, random);
      } else {
        buffer[w++] = items[split + j++];
        pk = position(j, offsetK, k, random);
      }
    }
    while (i < m) {
      buffer[w++] = items[i++];
    }
    while (j < k) {
      buffer[w++] = items[split + j++];
    }
    System.arraycopy(buffer, 0, items, 0, end);
  }

  /**
   * The jittered position of the {@code i}-th of {@code m} evenly spaced items (unclamped, for
   * comparisons).
   */
  private double position(int i, double offset, int m, RandomGenerator random) {
    double slot = i + offset;
    if (jitter > 0) {
      slot += 2 * jitter * random.nextDouble() - jitter;
    }
    return slot / m;
  }

  /**
   * Whether an artist with {@code size} of the playlist's {@code n} tracks is dominant: holds more
   * than {@code 1 / DOMINANT_SHARE_DIVISOR} of it.
   */
  private static boolean isDominant(int size, int n) {
    return (long) size * DOMINANT_SHARE_DIVISOR > n;
  }

  /**
   * The dominant artists, by ascending size (ties: first seen first). At most {@code
   * DOMINANT_SHARE_DIVISOR}.
   */
  private static int[] dominantBySize(int[] artistSize, int n) {
    int count = 0;
    int[] found = new int[DOMINANT_SHARE_DIVISOR];
    for (int a = 0; a < artistSize.length; a++) {
      if (isDominant(artistSize[a], n)) {
        found[count++] = a;
      }
    }
    int[] dominant = Arrays.copyOf(found, count);
    // Insertion sort by size: a handful of elements.
    for (int x = 1; x < count; x++) {
      int a = dominant[x];
      int y = x - 1;
      while (y >= 0 && artistSize[dominant[y]] > artistSize[a]) {
        dominant[y + 1] = dominant[y];
        y--;
      }
      dominant[y + 1] = a;
    }
    return dominant;
  }

  /**
   * Writes evenly spaced, jittered positions in {@code [0, 1)} for the {@code to - from} items of
   * one group.
   */
  private void spread(double[] positions, int from, int to, RandomGenerator random) {
    int m = to - from;
    double gap = 1.0 / m;
    double offset = random.nextDouble();
    double j2 = 2 * jitter;
    for (int i = 0; i < m; i++) {
      double slot = i + offset;
      if (j2 > 0) {
        slot += j2 * random.nextDouble() - jitter;
      }
      double p = slot * gap;
      positions[from + i] = p < 0 ? 0 : (p < 1 ? p : BELOW_ONE);
    }
  }

  /**
   * Stable counting sort of {@code src[0, count)} by {@code keyOf[element]} into {@code dst};
   * {@code start[k]} is where key {@code k}'s elements begin ({@code start[keyCount] == count}).
   */
  private static void countingSort(
      int[] src, int[] keyOf, int count, int keyCount, int[] dst, int[] start) {
    for (int t = 0; t < count; t++) {
      start[keyOf[src[t]] + 1]++;
    }
    for (int k = 1; k <= keyCount; k++) {
      start[k] += start[k - 1];
    }
    int[] next = Arrays.copyOf(start, keyCount);
    for (int t = 0; t < count; t++) {
      int e = src[t];
      dst[next[keyOf[e]]++] = e;
    }
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }
}
