package io.squadron.rpc.bench;

import io.grpc.stub.StreamObserver;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;

/**
 * A handler that does no work of its own (it echoes the tracks), so a benchmark measures only the
 * RPC path.
 */
public final class EchoShuffleService extends ShuffleServiceGrpc.ShuffleServiceImplBase {
  @Override
  public void shuffle(ShuffleRequest request, StreamObserver<ShuffleResponse> responseObserver) {
    responseObserver.onNext(
        ShuffleResponse.newBuilder()
            .addAllTracks(request.getTracksList())
            .setSeed(request.getSeed())
            .setMode(request.getMode())
            .build());
    responseObserver.onCompleted();
  }
}
