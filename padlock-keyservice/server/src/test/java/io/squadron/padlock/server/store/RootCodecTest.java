package io.squadron.padlock.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RootCodecTest {
  @Test
  void rootCodec_roundTrip_andGarbageIsAMiss() {
    StoredUser user = StoredUser.active("u", 3, new byte[] {1, 2, 3}, Set.of("listening", "payment"));
    StoredUser back = RootCodec.decode("u", RootCodec.encode(user)).orElseThrow();
    assertThat(back.masterVersion()).isEqualTo(3);
    assertThat(back.wrappedRoot()).containsExactly(1, 2, 3);
    assertThat(back.blocked()).containsExactlyInAnyOrder("listening", "payment");
    assertThat(RootCodec.decode("u", new byte[] {1, 0, 0})).isEmpty();
    assertThat(RootCodec.decode("u", "not bytes")).isEmpty();
    byte[] truncated = java.util.Arrays.copyOf(RootCodec.encode(user), 9);
    assertThat(RootCodec.decode("u", truncated)).isEmpty();
  }
}
