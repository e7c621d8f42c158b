package io.squadron.shuffle.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancedShuffleTest extends ShufflerContractTest {

  private static final int SEEDS = 200;

  @Override
  Shuffler shuffler() {
    return Shuffler.balanced();
  }

  @Test
  void shuffle_dominantArtist_farFewerAdjacentPairsThanFisherYates() {
    List<Track> playlist = Playlists.dominantArtist();
    long balanced = 0;
    long fisherYates = 0;
    int balancedWorstRun = 0;

    for (long seed = 0; seed < SEEDS; seed++) {
      ShuffleQuality b = ShuffleQuality.of(Shuffler.balanced().shuffle(playlist, seed));
      balanced += b.adjacentSameArtist();
      balancedWorstRun = Math.max(balancedWorstRun, b.longestArtistRun());
      fisherYates +=
          ShuffleQuality.of(Shuffler.fisherYates().shuffle(playlist, seed)).adjacentSameArtist();
    }

    // Fisher–Yates puts about 16 same-artist pairs into each of these playlists, mostly the
    // dominant artist's.
    assertThat(fisherYates).isGreaterThan(10L * SEEDS);
    assertThat(balanced).isLessThan(fisherYates / 10);
    assertThat(balancedWorstRun).isLessThanOrEqualTo(2);
  }

  @Test
  void shuffle_variedArtistSizes_keepsMinGapNearIdeal() {
    List<Track> playlist = Playlists.byArtist(30, 20, 12, 10, 8, 6, 5, 4, 3, 3, 2, 2, 2, 1, 1, 1);
    double balancedMean = 0;
    double balancedWorst = 0;
    double fisherYatesMean = 0;

    for (long seed = 0; seed < SEEDS; seed++) {
      ShuffleQuality b = ShuffleQuality.of(Shuffler.balanced().shuffle(playlist, seed));
      balancedMean += b.meanMinGapRatio() / SEEDS;
      balancedWorst += b.worstMinGapRatio() / SEEDS;
      fisherYatesMean +=
          ShuffleQuality.of(Shuffler.fisherYates().shuffle(playlist, seed)).meanMinGapRatio()
              / SEEDS;
    }

    assertThat(balancedMean).isGreaterThan(0.7);
    assertThat(balancedWorst).isGreaterThan(0.4);
    assertThat(fisherYatesMean).isLessThan(0.4);
    assertThat(balancedMean).isGreaterThan(2 * fisherYatesMean);
  }

  @Test
  void shuffle_twoEqualArtistsWithoutJitter_alternate() {
    List<Track> playlist = Playlists.byArtist(25, 25);
    Shuffler exact = BalancedShuffle.withJitter(0);

    for (long seed = 0; seed < SEEDS; seed++) {
      ShuffleQuality q = ShuffleQuality.of(exact.shuffle(playlist, seed));

      assertThat(q.adjacentSameArtist()).isZero();
      assertThat(q.worstMinGapRatio()).isEqualTo(1.0);
    }
  }

  @Test
  void shuffle_artistIdsWithEqualHashCodes_keptApart() {
    // "Aa" and "BB" share String.hashCode(); grouping must compare the ids themselves.
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    List<Track> playlist = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      playlist.add(Track.of("a" + i, "Aa"));
      playlist.add(Track.of("b" + i, "BB"));
    }

    for (long seed = 0; seed < SEEDS; seed++) {
      assertThat(
              ShuffleQuality.of(BalancedShuffle.withJitter(0).shuffle(playlist, seed))
                  .adjacentSameArtist())
          .isZero();
    }
  }

  @Test
  void shuffle_oneArtistWithAlbums_spreadsAlbums() {
    List<Track> playlist = Playlists.oneArtistWithAlbums(4, 10);
    long balanced = 0;
    long fisherYates = 0;

    for (long seed = 0; seed < SEEDS; seed++) {
      List<Track> out = Shuffler.balanced().shuffle(playlist, seed);
      assertThat(out).containsExactlyInAnyOrderElementsOf(playlist);
      balanced += ShuffleQuality.of(out).adjacentSameAlbum();
      fisherYates +=
          ShuffleQuality.of(Shuffler.fisherYates().shuffle(playlist, seed)).adjacentSameAlbum();
    }

    // Fisher–Yates: 39 neighbour pairs, each the same album with probability 9/39: about 9 per
    // playlist.
    assertThat(fisherYates).isGreaterThan(7L * SEEDS);
    assertThat(balanced).isLessThan(fisherYates / 20);
  }

  @Test
  void shuffle_oneArtistWithoutAlbums_isPermutationVaryingWithSeed() {
    List<Track> playlist = Playlists.byArtist(30);

    List<Track> a = Shuffler.balanced().shuffle(playlist, 1);

    assertThat(a)
        .containsExactlyInAnyOrderElementsOf(playlist)
        .isNotEqualTo(Shuffler.balanced().shuffle(playlist, 2));
  }

  @Test
  void shuffle_albumsSpreadWithinEachArtistWhileArtistsStayApart() {
    List<Track> playlist = new ArrayList<>();
    for (int artist = 0; artist < 3; artist++) {
      for (int album = 0; album < 3; album++) {
        for (int i = 0; i < 5; i++) {
          playlist.add(
              Track.of(artist + "-" + album + "-" + i, "artist-" + artist, "album-" + album));
        }
      }
    }

    long balanced = 0;
    long fisherYates = 0;
    long artistPairs = 0;
    for (long seed = 0; seed < SEEDS; seed++) {
      List<Track> out = Shuffler.balanced().shuffle(playlist, seed);
      balanced += sameAlbumPairsWithinEachArtist(out);
      fisherYates += sameAlbumPairsWithinEachArtist(Shuffler.fisherYates().shuffle(playlist, seed));
      artistPairs += ShuffleQuality.of(out).adjacentSameArtist();
    }

    // Fisher–Yates: each artist's own 15-track sequence has 14 neighbour pairs, 4/14 of them from
    // one album.
    assertThat(fisherYates).isGreaterThan(10L * SEEDS);
    assertThat(balanced).isLessThan(fisherYates / 10);
    assertThat(artistPairs).isLessThan(SEEDS);
  }

  /**
   * Counts, in each artist's own sequence (its tracks in playlist order), neighbours from one
   * album.
   */
  private static int sameAlbumPairsWithinEachArtist(List<Track> playlist) {
    Map<String, List<Track>> byArtist = new LinkedHashMap<>();
    for (Track t : playlist) {
      byArtist.computeIfAbsent(t.artistId(), a -> new ArrayList<>()).add(t);
    }
    return byArtist.values().stream()
        .mapToInt(own -> ShuffleQuality.of(own).adjacentSameAlbum())
        .sum();
  }

  @Test
  void shuffle_someTracksWithoutAlbum_isPermutation() {
    List<Track> playlist = new ArrayList<>(Playlists.oneArtistWithAlbums(2, 5));
    playlist.addAll(Playlists.byArtist(7, 3));
    playlist.add(Track.of("x", "the-artist", ""));

    assertThat(Shuffler.balanced().shuffle(playlist, 9))
        .containsExactlyInAnyOrderElementsOf(playlist);
  }

  @Test
  void shuffle_largePlaylist_isPermutationWithFewNeighbours() {
    int[] counts = new int[2_000];
    for (int a = 0; a < counts.length; a++) {
      counts[a] = 1 + 2_000 / (a + 1);
    }
    List<Track> playlist = Playlists.byArtist(counts);

    List<Track> out = Shuffler.balanced().shuffle(playlist, 77);

    assertThat(out).containsExactlyInAnyOrderElementsOf(playlist);
    ShuffleQuality balanced = ShuffleQuality.of(out);
    ShuffleQuality fisherYates = ShuffleQuality.of(Shuffler.fisherYates().shuffle(playlist, 77));
    assertThat(balanced.adjacentSameArtist()).isLessThan(fisherYates.adjacentSameArtist() / 20);
    assertThat(balanced.meanMinGapRatio()).isGreaterThan(0.8);
  }

  @Test
  void withJitter_outOfRange_rejectedNamingTheValue() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> BalancedShuffle.withJitter(-0.1))
        .withMessageContaining("jitter: -0.1");
    assertThatIllegalArgumentException().isThrownBy(() -> BalancedShuffle.withJitter(0.6));
    assertThatIllegalArgumentException().isThrownBy(() -> BalancedShuffle.withJitter(Double.NaN));
  }

  @Test
  void create_hasDefaultJitter() {
    assertThat(BalancedShuffle.create().jitter()).isEqualTo(BalancedShuffle.DEFAULT_JITTER);
    assertThat(BalancedShuffle.withJitter(0.25).jitter()).isEqualTo(0.25);
  }
}
