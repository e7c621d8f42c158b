package io.squadron.rpc.security;

import io.grpc.stub.StreamObserver;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.identity.Caller;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers every call with one track whose id is the caller the chain established; counts the calls
 * it handled.
 */
final class CallerEchoService extends ShuffleServiceGrpc.ShuffleServiceImplBase {
  final AtomicInteger handled = new AtomicInteger();

  @Override
  public void shuffle(ShuffleRequest request, StreamObserver<ShuffleResponse> responseObserver) {
    handled.incrementAndGet();
    responseObserver.onNext(
        ShuffleResponse.newBuilder()
            .addTracks(Track.newBuilder().setTrackId(Caller.current().name()).setArtistId("caller"))
            .build());
    responseObserver.onCompleted();
  }
}
