package io.squadron.shuffle.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.proto.shuffle.v1.ShuffleMode;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import io.squadron.infra.certs.DevCerts;
import io.squadron.rpc.server.SquadronServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real shuffle server on a free loopback port with mutual TLS and its real policy, called through rpc-core's
 * client (as the checkout service) and the generated stub.
 */
class ShuffleServiceEdgeTest {
  @TempDir
  static Path certs;

  private static SquadronServer server;
  private static ChannelFactory channels;
  private static ShuffleServiceGrpc.ShuffleServiceBlockingStub shuffle;

  @BeforeAll
  static void start() throws Exception {
    DevCerts.generate(certs, List.of("shuffle", "checkout", "billing"));
    server = ShuffleMain.start(ConfigLoader.withOverrides(ConfigFactory.parseMap(Map.of(
        "squadron.shuffle.max-tracks", 1000,
        "squadron.security.cert-dir", certs.toString()))));
    channels = clientAs("checkout");
    shuffle = ShuffleServiceGrpc.newBlockingStub(channels.channel("shuffle"));
  }

  private static ChannelFactory clientAs(String service) {
    Config client = ConfigLoader.withOverrides(ConfigFactory.parseMap(Map.of(
        "squadron.security.service-name", service,
        "squadron.security.cert-dir", certs.toString(),
        "squadron.clients.shuffle.addresses", List.of("127.0.0.1:" + server.port()))));
    return Platform.clients(client, Platform.newMeterRegistry()).build();
  }

  @AfterAll
  static void stop() {
    channels.close();
    server.shutdownGracefully();
  }

  private static List<Track> playlist(int size, int artists) {
    List<Track> tracks = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      tracks.add(Track.newBuilder().setTrackId("t" + i).setArtistId("a" + (i % artists)).build());
    }
    return tracks;
  }

  @Test
  void shuffle_returnsPermutationOfRequestTracks() {
    List<Track> tracks = playlist(200, 7);
    tracks.add(tracks.get(0)); // playlists repeat songs
    ShuffleResponse response = shuffle.shuffle(ShuffleRequest.newBuilder().addAllTracks(tracks).setSeed(42).build());

    assertThat(response.getTracksList()).containsExactlyInAnyOrderElementsOf(tracks);
    assertThat(response.getTracksList()).isNotEqualTo(tracks);
    assertThat(response.getSeed()).isEqualTo(42);
    assertThat(response.getMode()).isEqualTo(ShuffleMode.SHUFFLE_MODE_BALANCED);
  }

  @Test
  void shuffle_sameSeedSameOrder_noSeedReportsTheOneDrawn() {
    ShuffleRequest seeded = ShuffleRequest.newBuilder().addAllTracks(playlist(100, 5)).setSeed(7)
        .setMode(ShuffleMode.SHUFFLE_MODE_RANDOM).build();
    assertThat(shuffle.shuffle(seeded).getTracksList()).isEqualTo(shuffle.shuffle(seeded).getTracksList());

    ShuffleResponse unseeded = shuffle.shuffle(seeded.toBuilder().setSeed(0).build());
    assertThat(unseeded.getSeed()).isNotZero();
    ShuffleResponse replayed = shuffle.shuffle(seeded.toBuilder().setSeed(unseeded.getSeed()).build());
    assertThat(replayed.getTracksList()).isEqualTo(unseeded.getTracksList());
  }

  @Test
  void shuffle_serviceNotInThePolicy_permissionDenied() {
    try (ChannelFactory billing = clientAs("billing")) {
      assertThatThrownBy(() -> ShuffleServiceGrpc.newBlockingStub(billing.channel("shuffle"))
          .shuffle(ShuffleRequest.newBuilder().addAllTracks(playlist(3, 2)).build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).contains("Shuffle").contains("billing");
          });
    }
  }

  @Test
  void shuffle_callCountedInMetricsWithTheCaller() throws Exception {
    shuffle.shuffle(ShuffleRequest.newBuilder().addAllTracks(playlist(3, 2)).build());
    String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    assertThat(metrics).containsPattern("squadron_rpc_server_duration_seconds_count\\{caller=\"checkout\","
        + "method=\"Shuffle\",[^}]*status=\"OK\"} [1-9]");
  }

  @Test
  void shuffle_emptyPlaylist_isAllowed() {
    assertThat(shuffle.shuffle(ShuffleRequest.getDefaultInstance()).getTracksList()).isEmpty();
  }

  @Test
  void shuffle_emptyArtistId_invalidArgumentNamingTheIndex() {
    List<Track> tracks = playlist(5, 2);
    tracks.set(3, tracks.get(3).toBuilder().setArtistId("").build());

    assertThatThrownBy(() -> shuffle.shuffle(ShuffleRequest.newBuilder().addAllTracks(tracks).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("tracks[3].artist_id");
          BadRequest badRequest = detail(e, BadRequest.class);
          assertThat(badRequest.getFieldViolationsList()).singleElement()
              .satisfies(v -> assertThat(v.getField()).isEqualTo("tracks[3].artist_id"));
          assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo("INVALID_FIELD");
        });
  }

  @Test
  void shuffle_emptyTrackId_invalidArgument() {
    List<Track> tracks = playlist(3, 2);
    tracks.set(0, tracks.get(0).toBuilder().setTrackId("").build());
    assertThatThrownBy(() -> shuffle.shuffle(ShuffleRequest.newBuilder().addAllTracks(tracks).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("tracks[0].track_id");
        });
  }

  @Test
  void shuffle_unknownMode_invalidArgumentNamingMode() {
    assertThatThrownBy(() -> shuffle.shuffle(ShuffleRequest.newBuilder().setModeValue(99).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(detail(e, BadRequest.class).getFieldViolations(0).getField()).isEqualTo("mode");
        });
  }

  @Test
  void shuffle_oversizeId_invalidArgument() {
    Track longId = Track.newBuilder().setTrackId("x".repeat(257)).setArtistId("a").build();
    assertThatThrownBy(() -> shuffle.shuffle(ShuffleRequest.newBuilder().addTracks(longId).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
            assertThat(e.getStatus().getDescription()).contains("tracks[0].track_id").contains("too long"));
  }

  @Test
  void shuffle_moreTracksThanTheLimit_resourceExhausted() {
    assertThatThrownBy(() -> shuffle.shuffle(ShuffleRequest.newBuilder().addAllTracks(playlist(1001, 3)).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(detail(e, ErrorInfo.class).getReason()).isEqualTo("REQUEST_TOO_LARGE");
        });
  }

  private static <T extends com.google.protobuf.Message> T detail(StatusRuntimeException e, Class<T> type) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status).as("google.rpc.Status in trailers").isNotNull();
    return status.getDetailsList().stream()
        .filter(any -> any.is(type))
        .findFirst()
        .map(any -> {
          try {
            return any.unpack(type);
          } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
          }
        })
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " detail"));
  }
}
