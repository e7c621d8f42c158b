package io.squadron.padlock.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class CassandraSettingsTest {
  @Test
  void parseEndpoint_hostsAndDatacenter() {
    CassandraSettings.EndpointParts parts = CassandraSettings.parseEndpoint("127.0.0.1:9042,10.0.0.2:9043/dc1");
    assertThat(parts.datacenter()).isEqualTo("dc1");
    assertThat(parts.contactPoints()).extracting(a -> a.getHostString() + ":" + a.getPort())
        .containsExactly("127.0.0.1:9042", "10.0.0.2:9043");
  }

  @Test
  void parseEndpoint_malformed_rejected() {
    assertThatThrownBy(() -> CassandraSettings.parseEndpoint("127.0.0.1:9042")).hasMessageContaining("datacenter");
    assertThatThrownBy(() -> CassandraSettings.parseEndpoint("127.0.0.1/dc")).hasMessageContaining("host:port");
    assertThatThrownBy(() -> CassandraSettings.parseEndpoint("h:99999/dc")).hasMessageContaining("1..65535");
  }

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
