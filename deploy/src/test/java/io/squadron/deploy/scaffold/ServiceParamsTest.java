package io.squadron.deploy.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceParamsTest {
  private static ServiceParams params(String name) {
    return new ServiceParams(name, "postgres", Optional.empty(), List.of(), List.of("checkout"));
  }

  @Test
  void derivedNames() {
    ServiceParams p = params("playlist-history");
    assertThat(p.className()).isEqualTo("PlaylistHistory");
    assertThat(p.packageName()).isEqualTo("playlisthistory");
    assertThat(p.variables(1, "padlock"))
        .containsEntry("name_", "playlist_history")
        .containsEntry("NAME", "PLAYLIST_HISTORY")
        .containsEntry("storeList", "postgres");
  }

  @Test
  void badNames_refusedWithWhatANameLooksLike() {
    for (String bad :
        List.of(
            "Playlist",
            "play_list",
            "play--list",
            "-play",
            "play-",
            "9lives",
            "x",
            "service",
            "playlist-service",
            "a".repeat(31))) {
      assertThatThrownBy(() -> params(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void encryptWithoutAStore_andAServiceCallingItself_refused() {
    assertThatThrownBy(
            () -> new ServiceParams("notes", "none", Optional.of("account"), List.of(), List.of()))
        .hasMessageContaining("--encrypt needs a store");
    assertThatThrownBy(
            () ->
                new ServiceParams(
                    "notes", "postgres", Optional.empty(), List.of("notes"), List.of()))
        .hasMessageContaining("does not call itself");
    assertThatThrownBy(
            () -> new ServiceParams("notes", "mysql", Optional.empty(), List.of(), List.of()))
        .hasMessageContaining("postgres, cassandra or none");
  }

  @Test
  void encrypting_addsTheKeyServiceToItsCalls() {
    ServiceParams p =
        new ServiceParams(
            "notes", "cassandra", Optional.of("account"), List.of("shuffle"), List.of());
    assertThat(p.allCalls("padlock")).containsExactly("shuffle", "padlock");
    assertThat(p.flags()).containsExactlyInAnyOrder("store", "cassandra", "encrypt");
  }
}
