package io.squadron.shuffle.api;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.shuffle.v1.ShuffleMode;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.shuffle.domain.Shuffler;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

/**
 * The gRPC handler of {@code squadron.shuffle.v1.ShuffleService}: validates the request, runs the
 * domain shuffle on the track indices, and answers with the request's own track messages in the new
 * order.
 */
public final class ShuffleGrpcService extends ShuffleServiceGrpc.ShuffleServiceImplBase {
  private static final int MAX_REPORTED_VIOLATIONS = 20;

  private final ShuffleSettings settings;
  private final LongSupplier seeds;

  /**
   * A handler drawing the seeds of unseeded requests from {@code seeds} (never 0: zero means "no
   * seed" on the wire).
   */
  public ShuffleGrpcService(ShuffleSettings settings, LongSupplier seeds) {
    this.settings = requireNonNull(settings, "settings");
    this.seeds = requireNonNull(seeds, "seeds");
  }

  @Override
  public void shuffle(ShuffleRequest request, StreamObserver<ShuffleResponse> responseObserver) {
    validate(request);
    ShuffleMode mode =
        request.getMode() == ShuffleMode.SHUFFLE_MODE_UNSPECIFIED
            ? ShuffleMode.SHUFFLE_MODE_BALANCED
            : request.getMode();
    long seed = request.getSeed() != 0 ? request.getSeed() : nonZeroSeed();
    List<Track> tracks = request.getTracksList();
    List<io.squadron.shuffle.domain.Track> domain = new ArrayList<>(tracks.size());
    for (Track t : tracks) {
      domain.add(
          new io.squadron.shuffle.domain.Track(t.getTrackId(), t.getArtistId(), t.getAlbumId()));
    }
    Shuffler shuffler =
        mode == ShuffleMode.SHUFFLE_MODE_RANDOM ? Shuffler.fisherYates() : Shuffler.balanced();
    int[] order = shuffler.order(domain, new SplittableRandom(seed));
    ShuffleResponse.Builder response = ShuffleResponse.newBuilder().setSeed(seed).setMode(mode);
    for (int index : order) {
      response.addTracks(tracks.get(index));
    }
    responseObserver.onNext(response.build());
    responseObserver.onCompleted();
  }

  private void validate(ShuffleRequest request) {
    if (request.getTracksCount() > settings.maxTracks()) {
      throw RpcErrors.of(
          Status.Code.RESOURCE_EXHAUSTED,
          ErrorReason.REQUEST_TOO_LARGE,
          "tracks: "
              + request.getTracksCount()
              + " tracks (expected: at most "
              + settings.maxTracks()
              + ")");
    }
    RpcErrors.InvalidArgumentBuilder violations = RpcErrors.invalidArguments();
    int reported = 0;
    if (request.getMode() == ShuffleMode.UNRECOGNIZED) {
      violations.field(
          "mode",
          "unknown value "
              + request.getModeValue()
              + " (expected: SHUFFLE_MODE_BALANCED or SHUFFLE_MODE_RANDOM)");
      reported++;
    }
    for (int i = 0; i < request.getTracksCount() && reported < MAX_REPORTED_VIOLATIONS; i++) {
      Track track = request.getTracks(i);
      String problem = idProblem(track.getTrackId(), true);
      if (problem != null) {
        violations.field("tracks[" + i + "].track_id", problem);
        reported++;
      }
      problem = idProblem(track.getArtistId(), true);
      if (problem != null) {
        violations.field("tracks[" + i + "].artist_id", problem);
        reported++;
      }
      problem = idProblem(track.getAlbumId(), false);
      if (problem != null) {
        violations.field("tracks[" + i + "].album_id", problem);
        reported++;
      }
    }
    if (!violations.isEmpty()) {
      throw violations.build();
    }
  }

  private String idProblem(String id, boolean required) {
    if (id.isEmpty()) {
      return required ? "must not be empty" : null;
    }
    if (id.length() > settings.maxIdLength()) {
      return "too long: "
          + id.length()
          + " characters (expected: at most "
          + settings.maxIdLength()
          + ")";
    }
    return null;
  }

  private long nonZeroSeed() {
    long seed;
    do {
      seed = seeds.getAsLong();
    } while (seed == 0);
    return seed;
  }
}
