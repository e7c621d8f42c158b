package io.squadron.shuffle.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.shuffle.v1.ShuffleMode;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.testkit.service.ServiceExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real shuffle server started from its descriptor on a free loopback port, with mutual TLS and
 * its real policy, called through rpc-core's client (as the checkout service) and the generated
 * stub.
 */
class ShuffleServiceEdgeTest {
  @RegisterExtension
  static final ServiceExtension SHUFFLE =
      ServiceExtension.forService("shuffle").config("squadron.shuffle.max-tracks = 1000");

  private static ShuffleServiceGrpc.ShuffleServiceBlockingStub shuffle() {
    return SHUFFLE.stub("checkout", ShuffleServiceGrpc::newBlockingStub);
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
    ShuffleResponse response =
        shuffle().shuffle(ShuffleRequest.newBuilder().addAllTracks(tracks).setSeed(42).build());

    assertThat(response.getTracksList()).containsExactlyInAnyOrderElementsOf(tracks);
    assertThat(response.getTracksList()).isNotEqualTo(tracks);
    assertThat(response.getSeed()).isEqualTo(42);
    assertThat(response.getMode()).isEqualTo(ShuffleMode.SHUFFLE_MODE_BALANCED);
  }

  @Test
  void shuffle_sameSeedSameOrder_noSeedReportsTheOneDrawn() {
    ShuffleRequest seeded =
        ShuffleRequest.newBuilder()
            .addAllTracks(playlist(100, 5))
            .setSeed(7)
            .setMode(ShuffleMode.SHUFFLE_MODE_RANDOM)
            .build();
    assertThat(shuffle().shuffle(seeded).getTracksList())
        .isEqualTo(shuffle().shuffle(seeded).getTracksList());

    ShuffleResponse unseeded = shuffle().shuffle(seeded.toBuilder().setSeed(0).build());
    assertThat(unseeded.getSeed()).isNotZero();
    ShuffleResponse replayed =
        shuffle().shuffle(seeded.toBuilder().setSeed(unseeded.getSeed()).build());
    assertThat(replayed.getTracksList()).isEqualTo(unseeded.getTracksList());
  }

  @Test
  void shuffle_serviceNotInThePolicy_permissionDenied() {
    assertThatCall(
            () ->
                SHUFFLE
                    .stub("billing", ShuffleServiceGrpc::newBlockingStub)
                    .shuffle(ShuffleRequest.newBuilder().addAllTracks(playlist(3, 2)).build()))
        .hasCode(Status.Code.PERMISSION_DENIED)
        .hasReason(ErrorReason.CALLER_NOT_ALLOWED)
        .hasMessageContaining("Shuffle")
        .hasMessageContaining("billing");
  }

  @Test
  void shuffle_callsCountedInMetricsWithTheCaller_rejectionsToo() throws Exception {
    shuffle().shuffle(ShuffleRequest.newBuilder().addAllTracks(playlist(3, 2)).build());
    assertThatCall(
            () ->
                SHUFFLE
                    .stub("billing", ShuffleServiceGrpc::newBlockingStub)
                    .shuffle(ShuffleRequest.getDefaultInstance()))
        .hasCode(Status.Code.PERMISSION_DENIED);
    String metrics =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + SHUFFLE.server().adminPort() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_duration_seconds_count\\{caller=\"checkout\","
                + "method=\"Shuffle\",[^}]*status=\"OK\"} [1-9]");
    // The duration timer is the outermost stage: a call the permission stage rejects is counted
    // too.
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_duration_seconds_count\\{caller=\"billing\","
                + "method=\"Shuffle\",[^}]*status=\"PERMISSION_DENIED\"} [1-9]");
  }

  @Test
  void shuffle_emptyPlaylist_isAllowed() {
    assertThat(shuffle().shuffle(ShuffleRequest.getDefaultInstance()).getTracksList()).isEmpty();
  }

  @Test
  void shuffle_emptyArtistId_invalidArgumentNamingTheIndex() {
    List<Track> tracks = playlist(5, 2);
    tracks.set(3, tracks.get(3).toBuilder().setArtistId("").build());

    assertThatCall(
            () -> shuffle().shuffle(ShuffleRequest.newBuilder().addAllTracks(tracks).build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasReason(ErrorReason.INVALID_FIELD)
        .hasBadField("tracks[3].artist_id")
        .hasMessageContaining("tracks[3].artist_id");
  }

  @Test
  void shuffle_emptyTrackId_invalidArgument() {
    List<Track> tracks = playlist(3, 2);
    tracks.set(0, tracks.get(0).toBuilder().setTrackId("").build());
    assertThatCall(
            () -> shuffle().shuffle(ShuffleRequest.newBuilder().addAllTracks(tracks).build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("tracks[0].track_id");
  }

  @Test
  void shuffle_unknownMode_invalidArgumentNamingMode() {
    assertThatCall(() -> shuffle().shuffle(ShuffleRequest.newBuilder().setModeValue(99).build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("mode");
  }

  @Test
  void shuffle_oversizeId_invalidArgument() {
    Track longId = Track.newBuilder().setTrackId("x".repeat(257)).setArtistId("a").build();
    assertThatCall(() -> shuffle().shuffle(ShuffleRequest.newBuilder().addTracks(longId).build()))
        .hasCode(Status.Code.INVALID_ARGUMENT)
        .hasBadField("tracks[0].track_id")
        .hasMessageContaining("too long");
  }

  @Test
  void shuffle_moreTracksThanTheLimit_resourceExhausted() {
    assertThatCall(
            () ->
                shuffle()
                    .shuffle(ShuffleRequest.newBuilder().addAllTracks(playlist(1001, 3)).build()))
        .hasCode(Status.Code.RESOURCE_EXHAUSTED)
        .hasReason(ErrorReason.REQUEST_TOO_LARGE);
  }
}
