package io.squadron.shuffle.domain;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;

/**
 * How well an order keeps each artist's tracks apart; the measure the tests and the benchmark use.
 *
 * <p>For an artist with {@code n >= 2} tracks in a playlist of length {@code L}, the ideal gap is
 * {@code L / n} (perfectly even spacing). Its <em>min-gap ratio</em> is the smallest distance
 * between two of its consecutive tracks (in positions: neighbours are 1 apart) divided by that
 * ideal gap: 1 is perfectly even, near 0 means two of its tracks (almost) touch. The ratio can
 * exceed 1 for an artist whose tracks sit far from the playlist's ends.
 *
 * @param tracks the playlist's length
 * @param adjacentSameArtist how many neighbouring pairs share an artist
 * @param adjacentSameAlbum how many neighbouring pairs share an artist and a non-empty album
 * @param longestArtistRun the longest run of consecutive tracks by one artist (0 for an empty
 *     playlist)
 * @param artistsMeasured how many artists have at least two tracks (the ones the ratios cover)
 * @param meanMinGapRatio the mean of the min-gap ratios over the measured artists; 1 when there are
 *     none
 * @param worstMinGapRatio the smallest min-gap ratio over the measured artists; 1 when there are
 *     none
 */
public record ShuffleQuality(
    int tracks,
    int adjacentSameArtist,
    int adjacentSameAlbum,
    int longestArtistRun,
    int artistsMeasured,
    double meanMinGapRatio,
    double worstMinGapRatio) {

  /**
   * Measures a playlist in its current order.
   *
   * @param playlist the ordered tracks
   * @return the measure
   */
  public static ShuffleQuality of(List<Track> playlist) {
    requireNonNull(playlist, "playlist");
    int n = playlist.size();
    StringIds artists = new StringIds(Math.min(Math.max(n, 1), 1024));
    int[] artistOf = new int[n];
    for (int i = 0; i < n; i++) {
      artistOf[i] = artists.idOf(playlist.get(i).artistId());
    }
    int artistCount = artists.size();
    int[] count = new int[artistCount];
    int[] last = new int[artistCount];
    int[] minGap = new int[artistCount];
    Arrays.fill(last, -1);
    Arrays.fill(minGap, Integer.MAX_VALUE);

    int adjacentArtist = 0;
    int adjacentAlbum = 0;
    int longestRun = n == 0 ? 0 : 1;
    int run = 1;
    for (int i = 0; i < n; i++) {
      int a = artistOf[i];
      count[a]++;
      if (last[a] >= 0) {
        minGap[a] = Math.min(minGap[a], i - last[a]);
      }
      last[a] = i;
      if (i > 0) {
        if (artistOf[i - 1] == a) {
          adjacentArtist++;
          run++;
          longestRun = Math.max(longestRun, run);
          String album = playlist.get(i).albumId();
          if (!album.isEmpty() && album.equals(playlist.get(i - 1).albumId())) {
            adjacentAlbum++;
          }
        } else {
          run = 1;
        }
      }
    }

    int measured = 0;
    double sum = 0;
    double worst = 1;
    for (int a = 0; a < artistCount; a++) {
      if (count[a] >= 2) {
        double ratio = minGap[a] * (double) count[a] / n;
        measured++;
        sum += ratio;
        worst = measured == 1 ? ratio : Math.min(worst, ratio);
      }
    }
    double mean = measured == 0 ? 1 : sum / measured;
    return new ShuffleQuality(n, adjacentArtist, adjacentAlbum, longestRun, measured, mean, worst);
  }
}
