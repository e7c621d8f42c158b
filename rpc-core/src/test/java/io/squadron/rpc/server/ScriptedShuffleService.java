package io.squadron.rpc.server;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.rpc.errors.RpcErrors;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test handler whose behaviour the first track id picks: {@code ok}, {@code invalid}, {@code
 * boom} (throws), {@code onerror} (hands an exception to onError), {@code unavailable}, {@code
 * block} (waits for {@link #release}), {@code sleep:<ms>}.
 */
public final class ScriptedShuffleService extends ShuffleServiceGrpc.ShuffleServiceImplBase {
  public final AtomicInteger calls = new AtomicInteger();
  public final CountDownLatch blocked = new CountDownLatch(1);
  public final CountDownLatch release = new CountDownLatch(1);
  private final String name;

  public ScriptedShuffleService(String name) {
    this.name = name;
  }

  @Override
  public void shuffle(ShuffleRequest request, StreamObserver<ShuffleResponse> out) {
    calls.incrementAndGet();
    String script = request.getTracksCount() == 0 ? "ok" : request.getTracks(0).getTrackId();
    switch (script.contains(":") ? script.substring(0, script.indexOf(':')) : script) {
      case "invalid" -> throw RpcErrors.invalidArgument("tracks[0].artist_id", "must not be empty");
      case "boom" -> throw new IllegalStateException("secret internal detail: password=hunter2");
      case "onerror" -> {
        out.onError(new IllegalArgumentException("another internal detail"));
        return;
      }
      case "unavailable" ->
          throw Status.UNAVAILABLE.withDescription("try later").asRuntimeException();
      case "block" -> {
        blocked.countDown();
        await(release);
      }
      case "sleep" -> sleep(Long.parseLong(script.substring(script.indexOf(':') + 1)));
      default -> {}
    }
    out.onNext(
        ShuffleResponse.newBuilder()
            .setSeed(request.getSeed())
            .addAllTracks(request.getTracksList())
            .addTracks(
                io.squadron.proto.shuffle.v1.Track.newBuilder()
                    .setTrackId("served-by")
                    .setArtistId(name))
            .build());
    out.onCompleted();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
