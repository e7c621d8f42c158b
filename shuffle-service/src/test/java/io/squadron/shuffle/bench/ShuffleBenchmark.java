package io.squadron.shuffle.bench;

import io.squadron.shuffle.domain.ShuffleQuality;
import io.squadron.shuffle.domain.Shuffler;
import io.squadron.shuffle.domain.Track;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Times the balanced shuffle against Fisher–Yates on one large playlist, in one JVM run.
 *
 * <p>The playlist: 1,000,000 tracks over 50,000 artists whose sizes follow Zipf's law (exponent 1:
 * the k-th artist has about 1/k of the top artist's tracks; every artist has at least one), each
 * artist's tracks in albums of 12, in a random order (fixed seed). Every track has its own id
 * strings, as a parsed request would. Both shuffles are warmed up, then timed in alternation; the
 * table shows the median, fastest and slowest run and the quality of one result. The last line is
 * {@code BENCH shuffle tracks=… balanced_ms=… fisher_yates_ms=… ratio=… adjacent_balanced=…
 * adjacent_fisher_yates=…}, with {@code ratio = balanced_ms / fisher_yates_ms}.
 *
 * <p>Arguments (optional): tracks, artists, warm-up rounds, timed rounds. Run with about {@code
 * -Xmx1g}.
 */
public final class ShuffleBenchmark {

  private static final long DATA_SEED = 20_200_720L;
  private static final int ALBUM_SIZE = 12;

  private ShuffleBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param args optional: tracks (default 1000000), artists (50000), warm-up rounds (8), timed
   *     rounds (15)
   */
  public static void main(String[] args) {
    int tracks = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int artists = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
    int warmups = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 15;

    List<Track> playlist = playlist(tracks, artists, DATA_SEED);
    List<Track> withoutAlbums = new ArrayList<>(playlist.size());
    for (Track t : playlist) {
      withoutAlbums.add(Track.of(t.trackId(), t.artistId()));
    }

    Case[] cases = {
      new Case("balanced", Shuffler.balanced(), playlist, rounds),
      new Case("fisher_yates", Shuffler.fisherYates(), playlist, rounds),
      new Case("balanced, no albums", Shuffler.balanced(), withoutAlbums, rounds),
    };
    long sink = 0;
    for (int w = 0; w < warmups; w++) {
      for (Case c : cases) {
        sink += c.shuffler.shuffle(c.input, 1000L + w).get(0).hashCode();
      }
    }
    for (int r = 0; r < rounds; r++) {
      for (Case c : cases) {
        long start = System.nanoTime();
        List<Track> out = c.shuffler.shuffle(c.input, 7L + r);
        c.nanos[r] = System.nanoTime() - start;
        sink += out.get(out.size() - 1).hashCode();
      }
    }
    for (Case c : cases) {
      c.quality = ShuffleQuality.of(c.shuffler.shuffle(c.input, 7L));
    }

    System.out.printf(
        Locale.ROOT,
        "shuffle benchmark: %,d tracks, %,d artists (Zipf, top artist %,d tracks), "
            + "albums of %d, %d warm-up + %d timed rounds (checksum %d)%n",
        tracks,
        artists,
        topArtistSize(playlist),
        ALBUM_SIZE,
        warmups,
        rounds,
        sink & 0xff);
    System.out.printf(
        Locale.ROOT,
        "%-20s %10s %10s %10s %14s %12s %12s %12s %14s%n",
        "shuffle",
        "median_ms",
        "min_ms",
        "max_ms",
        "adjacent_pairs",
        "same_album",
        "longest_run",
        "mean_gap",
        "worst_gap");
    for (Case c : cases) {
      ShuffleQuality q = c.quality;
      System.out.printf(
          Locale.ROOT,
          "%-20s %10.1f %10.1f %10.1f %14d %12d %12d %12.3f %14.4f%n",
          c.name,
          c.medianMs(),
          c.minMs(),
          c.maxMs(),
          q.adjacentSameArtist(),
          q.adjacentSameAlbum(),
          q.longestArtistRun(),
          q.meanMinGapRatio(),
          q.worstMinGapRatio());
    }
    double balanced = cases[0].medianMs();
    double fisherYates = cases[1].medianMs();
    System.out.printf(
        Locale.ROOT,
        "BENCH shuffle tracks=%d balanced_ms=%.1f fisher_yates_ms=%.1f ratio=%.2f adjacent_balanced=%d "
            + "adjacent_fisher_yates=%d%n",
        tracks,
        balanced,
        fisherYates,
        balanced / fisherYates,
        cases[0].quality.adjacentSameArtist(),
        cases[1].quality.adjacentSameArtist());
  }

  /**
   * Builds the playlist: Zipf artist sizes, albums of {@link #ALBUM_SIZE}, a random order, fresh
   * strings.
   */
  static List<Track> playlist(int tracks, int artists, long seed) {
    if (artists < 1 || tracks < artists) {
      throw new IllegalArgumentException(
          "tracks: " + tracks + ", artists: " + artists + " (expected: 1 <= artists <= tracks)");
    }
    int[] sizes = zipfSizes(tracks, artists);
    int[] artistOf = new int[tracks];
    int[] numberOf = new int[tracks];
    int k = 0;
    for (int a = 0; a < artists; a++) {
      for (int i = 0; i < sizes[a]; i++) {
        artistOf[k] = a;
        numberOf[k] = i;
        k++;
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = tracks - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = artistOf[i];
      artistOf[i] = artistOf[j];
      artistOf[j] = t;
      t = numberOf[i];
      numberOf[i] = numberOf[j];
      numberOf[j] = t;
    }
    // Allocated in playlist order with a fresh String per field, like a parsed request.
    List<Track> playlist = new ArrayList<>(tracks);
    for (int i = 0; i < tracks; i++) {
      int a = artistOf[i];
      int n = numberOf[i];
      playlist.add(
          Track.of("track-" + a + "-" + n, "artist-" + a, "album-" + a + "-" + n / ALBUM_SIZE));
    }
    return playlist;
  }

  /** Sizes proportional to 1/rank, at least one track each, summing to {@code tracks} exactly. */
  private static int[] zipfSizes(int tracks, int artists) {
    double harmonic = 0;
    for (int a = 1; a <= artists; a++) {
      harmonic += 1.0 / a;
    }
    int spare = tracks - artists;
    int[] sizes = new int[artists];
    int given = 0;
    for (int a = 0; a < artists; a++) {
      sizes[a] = 1 + (int) (spare / (harmonic * (a + 1)));
      given += sizes[a];
    }
    for (int a = 0; given < tracks; a = (a + 1) % artists) {
      sizes[a]++;
      given++;
    }
    return sizes;
  }

  private static int topArtistSize(List<Track> playlist) {
    String top = "artist-0";
    int n = 0;
    for (Track t : playlist) {
      n += t.artistId().equals(top) ? 1 : 0;
    }
    return n;
  }

  private static final class Case {
    final String name;
    final Shuffler shuffler;
    final List<Track> input;
    final long[] nanos;
    ShuffleQuality quality;

    Case(String name, Shuffler shuffler, List<Track> input, int rounds) {
      this.name = name;
      this.shuffler = shuffler;
      this.input = input;
      this.nanos = new long[rounds];
    }

    double medianMs() {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      int m = sorted.length / 2;
      double median = sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2.0;
      return median / 1e6;
    }

    double minMs() {
      return Arrays.stream(nanos).min().orElse(0) / 1e6;
    }

    double maxMs() {
      return Arrays.stream(nanos).max().orElse(0) / 1e6;
    }
  }
}
