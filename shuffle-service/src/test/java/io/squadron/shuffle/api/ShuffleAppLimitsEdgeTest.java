package io.squadron.shuffle.api;

import static io.squadron.testkit.grpc.RpcErrorAssert.assertThatCall;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.testkit.Await;
import io.squadron.testkit.service.ServiceExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * shuffle with its deployment defaults: services may send the large playlists its 32 MiB transport
 * limit is for (rpc-core's SecurityEdgeTest shows a service passing where an app is refused),
 * client apps at most rpc-core's app limit.
 */
class ShuffleAppLimitsEdgeTest {
  @RegisterExtension
  static final ServiceExtension SHUFFLE = ServiceExtension.forService("shuffle").appToken("ios");

  /** About 8 MiB: 90,000 tracks (within max-tracks) with 40-character ids. */
  private static ShuffleRequest eightMebibytes() {
    ShuffleRequest.Builder request = ShuffleRequest.newBuilder();
    for (int i = 0; i < 90_000; i++) {
      request.addTracks(
          Track.newBuilder()
              .setTrackId("track-%034d".formatted(i))
              .setArtistId("artist-%033d".formatted(i % 5000)));
    }
    return request.build();
  }

  @Test
  void appSendingAnOversizeRequest_resourceExhaustedBeforeTheHandler() {
    ShuffleRequest big = eightMebibytes();
    assertThat(big.getSerializedSize()).isBetween(5 << 20, 31 << 20);

    assertThatCall(() -> SHUFFLE.appStub("ios", ShuffleServiceGrpc::newBlockingStub).shuffle(big))
        .hasCode(Status.Code.RESOURCE_EXHAUSTED)
        .hasReason(ErrorReason.REQUEST_TOO_LARGE)
        .hasMessageContaining("client app");
    // The server records a call just after it closes it: wait for the line.
    Await.until(
        Duration.ofSeconds(10),
        "the rejection counted",
        () ->
            SHUFFLE
                .server()
                .meterRegistry()
                .scrape()
                .matches(
                    "(?s).*squadron_rpc_server_duration_seconds_count\\{caller=\"app:ios\"[^}]*"
                        + "status=\"RESOURCE_EXHAUSTED\"[^}]*} 1.*"));
    // A playlist of an app's size still works.
    ShuffleRequest small =
        ShuffleRequest.newBuilder().addAllTracks(big.getTracksList().subList(0, 1000)).build();
    assertThat(
            SHUFFLE
                .appStub("ios", ShuffleServiceGrpc::newBlockingStub)
                .shuffle(small)
                .getTracksCount())
        .isEqualTo(1000);
  }
}
