package io.squadron.shuffle.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.shuffle.v1.ShuffleMode;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * shuffle's request validation and handler over any request a caller can send: the answer is a
 * permutation of the request's tracks, or INVALID_ARGUMENT naming a field of the request, or
 * RESOURCE_EXHAUSTED for too many tracks; never another exception (which would reach the caller as
 * INTERNAL).
 */
class ShuffleRequestValidationFuzzTest {
  private static final ShuffleSettings SETTINGS = new ShuffleSettings(64, 16);
  private static final AtomicLong SEEDS = new AtomicLong();
  private static final ShuffleGrpcService SERVICE =
      new ShuffleGrpcService(SETTINGS, SEEDS::incrementAndGet);

  private static ShuffleRequest request(FuzzedDataProvider data) {
    ShuffleRequest.Builder request =
        ShuffleRequest.newBuilder()
            .setSeed(data.consumeBoolean() ? 0 : data.consumeLong())
            .setModeValue(data.consumeBoolean() ? data.consumeInt(0, 2) : data.consumeInt());
    int tracks = data.consumeInt(0, 80);
    for (int i = 0; i < tracks && data.remainingBytes() > 0; i++) {
      request.addTracks(
          Track.newBuilder()
              .setTrackId(data.consumeString(20))
              .setArtistId(data.consumeString(20))
              .setAlbumId(data.consumeString(20)));
    }
    return request.build();
  }

  @FuzzTest(maxDuration = "10s")
  void anyRequest_permutationOrAStatusNamingTheProblem(FuzzedDataProvider data) {
    ShuffleRequest request = request(data);
    List<ShuffleResponse> answers = new ArrayList<>();
    try {
      SERVICE.shuffle(
          request,
          new StreamObserver<>() {
            @Override
            public void onNext(ShuffleResponse value) {
              answers.add(value);
            }

            @Override
            public void onError(Throwable t) {
              throw new AssertionError("handler reported an error instead of throwing a status", t);
            }

            @Override
            public void onCompleted() {}
          });
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      assertThat(code).isIn(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
      if (code == Status.Code.RESOURCE_EXHAUSTED) {
        assertThat(request.getTracksCount()).isGreaterThan(SETTINGS.maxTracks());
      } else {
        BadRequest bad =
            StatusProto.fromThrowable(e).getDetailsList().stream()
                .filter(d -> d.is(BadRequest.class))
                .findFirst()
                .map(d -> unpack(d))
                .orElseThrow();
        assertThat(bad.getFieldViolationsList())
            .isNotEmpty()
            .allSatisfy(
                v ->
                    assertThat(v.getField())
                        .matches("mode|tracks\\[\\d+\\]\\.(track_id|artist_id|album_id)"));
      }
      return;
    }
    assertThat(answers).hasSize(1);
    ShuffleResponse response = answers.get(0);
    assertThat(response.getTracksList())
        .containsExactlyInAnyOrderElementsOf(request.getTracksList());
    assertThat(response.getSeed()).isNotZero();
    if (request.getSeed() != 0) {
      assertThat(response.getSeed()).isEqualTo(request.getSeed());
    }
    assertThat(response.getMode())
        .isIn(ShuffleMode.SHUFFLE_MODE_BALANCED, ShuffleMode.SHUFFLE_MODE_RANDOM);
  }

  private static BadRequest unpack(com.google.protobuf.Any detail) {
    try {
      return detail.unpack(BadRequest.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
