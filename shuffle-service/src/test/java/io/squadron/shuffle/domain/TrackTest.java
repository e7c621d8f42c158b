package io.squadron.shuffle.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

class TrackTest {

  @Test
  void of_withoutAlbum_hasEmptyAlbum() {
    assertThat(Track.of("t", "a").albumId()).isEmpty();
  }

  @Test
  void constructor_nullAlbum_storedAsEmpty() {
    assertThat(new Track("t", "a", null)).isEqualTo(Track.of("t", "a", ""));
  }

  @Test
  void constructor_nullIds_rejectedNamingTheField() {
    assertThatNullPointerException().isThrownBy(() -> Track.of(null, "a")).withMessage("trackId");
    assertThatNullPointerException().isThrownBy(() -> Track.of("t", null)).withMessage("artistId");
  }
}
