package io.squadron.shuffle.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShuffleQualityTest {

  /** Builds a playlist from artist letters, e.g. "AABA"; track ids are positions. */
  private static List<Track> artists(String letters) {
    List<Track> tracks = new ArrayList<>();
    for (int i = 0; i < letters.length(); i++) {
      tracks.add(Track.of("t" + i, String.valueOf(letters.charAt(i))));
    }
    return tracks;
  }

  @Test
  void of_emptyPlaylist_isVacuouslyPerfect() {
    ShuffleQuality q = ShuffleQuality.of(List.of());

    assertThat(q).isEqualTo(new ShuffleQuality(0, 0, 0, 0, 0, 1.0, 1.0));
  }

  @Test
  void of_everyArtistOnce_measuresNoArtist() {
    ShuffleQuality q = ShuffleQuality.of(artists("ABCD"));

    assertThat(q.adjacentSameArtist()).isZero();
    assertThat(q.longestArtistRun()).isEqualTo(1);
    assertThat(q.artistsMeasured()).isZero();
    assertThat(q.worstMinGapRatio()).isEqualTo(1.0);
  }

  @Test
  void of_perfectlyInterleaved_hasRatioOne() {
    ShuffleQuality q = ShuffleQuality.of(artists("ABABABAB"));

    // Each artist: 4 tracks in 8, ideal gap 2, min gap 2.
    assertThat(q.adjacentSameArtist()).isZero();
    assertThat(q.artistsMeasured()).isEqualTo(2);
    assertThat(q.meanMinGapRatio()).isEqualTo(1.0);
    assertThat(q.worstMinGapRatio()).isEqualTo(1.0);
  }

  @Test
  void of_clusters_countsPairsRunsAndGaps() {
    // A: positions 0,1,2,6 -> 4 of 8, ideal gap 2, min gap 1 -> 0.5.
    // B: positions 3,4 -> 2 of 8, ideal gap 4, min gap 1 -> 0.25.
    // C: position 5 -> not measured. D: position 7 -> not measured.
    ShuffleQuality q = ShuffleQuality.of(artists("AAABBCAD"));

    assertThat(q.tracks()).isEqualTo(8);
    assertThat(q.adjacentSameArtist()).isEqualTo(3); // AA, AA, BB
    assertThat(q.longestArtistRun()).isEqualTo(3);
    assertThat(q.artistsMeasured()).isEqualTo(2);
    assertThat(q.meanMinGapRatio()).isCloseTo(0.375, within(1e-12));
    assertThat(q.worstMinGapRatio()).isCloseTo(0.25, within(1e-12));
  }

  @Test
  void of_sameAlbumNeighbours_countedOnlyForNonEmptyAlbumOfSameArtist() {
    List<Track> playlist =
        List.of(
            Track.of("1", "A", "x"),
            Track.of("2", "A", "x"), // same artist, same album
            Track.of("3", "A", "y"), // same artist, other album
            Track.of("4", "A", ""), // no album
            Track.of("5", "A", ""), // no album twice: not an album pair
            Track.of("6", "B", "y")); // other artist, album id equal by chance

    ShuffleQuality q = ShuffleQuality.of(playlist);

    assertThat(q.adjacentSameArtist()).isEqualTo(4);
    assertThat(q.adjacentSameAlbum()).isEqualTo(1);
    assertThat(q.longestArtistRun()).isEqualTo(5);
  }

  @Test
  void of_duplicateTracks_countAsTheirArtist() {
    List<Track> playlist = List.of(Track.of("s", "A"), Track.of("s", "A"), Track.of("u", "B"));

    ShuffleQuality q = ShuffleQuality.of(playlist);

    assertThat(q.adjacentSameArtist()).isEqualTo(1);
    // A: 2 of 3, ideal gap 1.5, min gap 1.
    assertThat(q.worstMinGapRatio()).isCloseTo(2.0 / 3, within(1e-12));
  }
}
