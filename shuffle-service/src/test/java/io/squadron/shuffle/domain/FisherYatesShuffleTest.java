package io.squadron.shuffle.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FisherYatesShuffleTest extends ShufflerContractTest {

  @Override
  Shuffler shuffler() {
    return Shuffler.fisherYates();
  }

  @Test
  void shuffle_threeTracks_everyOrderAboutEquallyOften() {
    List<Track> input = Playlists.byArtist(1, 1, 1);
    SplittableRandom random = new SplittableRandom(1);
    Map<List<Track>, Integer> counts = new HashMap<>();

    for (int i = 0; i < 60_000; i++) {
      counts.merge(shuffler().shuffle(input, random), 1, Integer::sum);
    }

    // 6 orders, 10,000 expected each; the standard deviation is about 91.
    assertThat(counts).hasSize(6);
    assertThat(counts.values()).allSatisfy(c -> assertThat(c).isBetween(9_500, 10_500));
  }

  @Test
  void create_returnsSharedInstance() {
    assertThat(FisherYatesShuffle.create()).isSameAs(Shuffler.fisherYates());
  }
}
