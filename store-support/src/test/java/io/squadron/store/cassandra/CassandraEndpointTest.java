package io.squadron.store.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraEndpointTest {
  @Test
  void parse_hostsAndDatacenter_andFormatsBack() {
    CassandraEndpoint endpoint =
        CassandraEndpoint.parse("10.0.0.1:9042,cassandra-1.eu:9043/eu-west");
    assertThat(endpoint.contactPoints())
        .containsExactly(
            InetSocketAddress.createUnresolved("10.0.0.1", 9042),
            InetSocketAddress.createUnresolved("cassandra-1.eu", 9043));
    assertThat(endpoint.localDatacenter()).isEqualTo("eu-west");
    assertThat(endpoint).hasToString("10.0.0.1:9042,cassandra-1.eu:9043/eu-west");
    assertThat(CassandraEndpoint.parse(endpoint.toString())).isEqualTo(endpoint);
  }

  @Test
  void parse_spacesAroundParts_ignored() {
    assertThat(CassandraEndpoint.parse(" 127.0.0.1:9042 , 127.0.0.2:9042 / dc1 "))
        .hasToString("127.0.0.1:9042,127.0.0.2:9042/dc1");
  }

  @Test
  void parse_ipv6InBrackets() {
    CassandraEndpoint endpoint = CassandraEndpoint.parse("[::1]:9042/dc1");
    assertThat(endpoint.contactPoints())
        .containsExactly(InetSocketAddress.createUnresolved("::1", 9042));
    assertThat(endpoint).hasToString("[::1]:9042/dc1");
    assertThatThrownBy(() -> CassandraEndpoint.parse("::1:9042/dc1"))
        .hasMessageContaining("brackets");
  }

  @Test
  void parse_withoutDatacenter_rejected() {
    assertThatThrownBy(() -> CassandraEndpoint.parse("127.0.0.1:9042"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no datacenter")
        .hasMessageContaining("host:port[,host:port...]/datacenter");
    assertThatThrownBy(() -> CassandraEndpoint.parse("127.0.0.1:9042/ "))
        .hasMessageContaining("no datacenter");
  }

  @Test
  void parse_badHostPort_rejectedNamingThePart() {
    assertThatThrownBy(() -> CassandraEndpoint.parse("127.0.0.1/dc"))
        .hasMessageContaining("'127.0.0.1' is not host:port");
    assertThatThrownBy(() -> CassandraEndpoint.parse("/dc")).hasMessageContaining("no host:port");
    assertThatThrownBy(() -> CassandraEndpoint.parse("127.0.0.1:x/dc"))
        .hasMessageContaining("bad port 'x'");
    assertThatThrownBy(() -> CassandraEndpoint.parse("h:99999/dc"))
        .hasMessageContaining("1..65535");
    assertThatThrownBy(() -> CassandraEndpoint.parse("h:0/dc")).hasMessageContaining("1..65535");
    assertThatThrownBy(() -> CassandraEndpoint.parse("h:9042,/dc"))
        .hasMessageContaining("is not host:port");
    assertThatThrownBy(() -> CassandraEndpoint.parse(":9042/dc"))
        .hasMessageContaining("is not host:port");
  }

  @Test
  void constructor_validates() {
    assertThatThrownBy(() -> new CassandraEndpoint(List.of(), "dc1"))
        .hasMessageContaining("contactPoints");
    assertThatThrownBy(
            () -> new CassandraEndpoint(List.of(InetSocketAddress.createUnresolved("h", 1)), "a b"))
        .hasMessageContaining("localDatacenter");
  }
}
