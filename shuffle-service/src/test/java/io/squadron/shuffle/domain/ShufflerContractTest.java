package io.squadron.shuffle.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What every {@link Shuffler} must do; subclasses run it against each implementation. */
abstract class ShufflerContractTest {

  abstract Shuffler shuffler();

  /**
   * A playlist with duplicates, several artists and albums, some tracks without album, in a
   * scrambled order.
   */
  static List<Track> mixedPlaylist() {
    List<Track> tracks = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 300; i++) {
      int artist = random.nextInt(12) == 0 ? 0 : random.nextInt(25);
      String album = random.nextInt(4) == 0 ? "" : "album-" + artist + "-" + random.nextInt(3);
      tracks.add(Track.of("track-" + random.nextInt(200), "artist-" + artist, album));
    }
    tracks.add(tracks.get(0));
    tracks.add(tracks.get(0));
    return tracks;
  }

  @Test
  void shuffle_anyPlaylist_returnsPermutationKeepingDuplicates() {
    List<Track> input = mixedPlaylist();

    for (long seed = 0; seed < 20; seed++) {
      assertThat(shuffler().shuffle(input, seed)).containsExactlyInAnyOrderElementsOf(input);
    }
  }

  @Test
  void shuffle_doesNotModifyInput() {
    List<Track> input = mixedPlaylist();
    List<Track> copy = List.copyOf(input);

    shuffler().shuffle(input, 3);

    assertThat(input).isEqualTo(copy);
  }

  @Test
  void shuffle_sameSeed_sameOrder() {
    List<Track> input = mixedPlaylist();

    assertThat(shuffler().shuffle(input, 42)).isEqualTo(shuffler().shuffle(List.copyOf(input), 42));
  }

  @Test
  void shuffle_differentSeeds_differentOrders() {
    List<Track> input = mixedPlaylist();

    long distinct =
        IntStream.range(0, 50).mapToObj(seed -> shuffler().shuffle(input, seed)).distinct().count();

    assertThat(distinct).isEqualTo(50);
  }

  @Test
  void order_isPermutationMatchingShuffle() {
    List<Track> input = mixedPlaylist();

    int[] order = shuffler().order(input, 11);
    List<Track> shuffled = shuffler().shuffle(input, 11);

    assertThat(order).containsExactlyInAnyOrder(IntStream.range(0, input.size()).toArray());
    for (int k = 0; k < order.length; k++) {
      assertThat(shuffled.get(k)).isSameAs(input.get(order[k]));
    }
  }

  @Test
  void shuffle_emptyList_returnsEmpty() {
    assertThat(shuffler().shuffle(List.of(), 1)).isEmpty();
    assertThat(shuffler().order(List.of(), 1)).isEmpty();
  }

  @Test
  void shuffle_singleTrack_returnsIt() {
    Track only = Track.of("t", "a", "b");

    assertThat(shuffler().shuffle(List.of(only), 1)).containsExactly(only);
  }

  @Test
  void shuffle_nonRandomAccessList_sameAsArrayList() {
    List<Track> input = mixedPlaylist();

    assertThat(shuffler().shuffle(new LinkedList<>(input), 5))
        .isEqualTo(shuffler().shuffle(input, 5));
  }

  @Test
  void shuffle_everyArtistOnce_isPermutationVaryingWithSeed() {
    List<Track> input = oneTrackPerArtist(100);

    List<Track> a = shuffler().shuffle(input, 1);
    List<Track> b = shuffler().shuffle(input, 2);

    assertThat(a).containsExactlyInAnyOrderElementsOf(input).isNotEqualTo(b);
  }

  @Test
  void shuffle_returnsUnmodifiableList() {
    List<Track> out = shuffler().shuffle(mixedPlaylist(), 1);

    assertThatThrownBy(() -> out.set(0, out.get(1)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  static List<Track> oneTrackPerArtist(int n) {
    List<Track> tracks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tracks.add(Track.of("t" + i, "artist-" + i));
    }
    return tracks;
  }
}
