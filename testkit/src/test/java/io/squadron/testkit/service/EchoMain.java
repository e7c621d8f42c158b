package io.squadron.testkit.service;

import com.typesafe.config.Config;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.identity.Caller;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.server.SquadronServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test service on the service contract: echoes the seed, names the caller, and is ready when its
 * database is.
 */
public final class EchoMain {
  static final AtomicInteger CALLS = new AtomicInteger();
  static final AtomicInteger CLOSED = new AtomicInteger();

  private EchoMain() {}

  public static SquadronServer start(Config config) {
    return Platform.start(
        config,
        service -> {
          String url = config.getString("squadron.stores.postgres.url");
          service.register(CLOSED::incrementAndGet);
          return service
              .server()
              .service(
                  new ShuffleServiceGrpc.ShuffleServiceImplBase() {
                    @Override
                    public void shuffle(
                        ShuffleRequest request, StreamObserver<ShuffleResponse> out) {
                      CALLS.incrementAndGet();
                      // The caller's identity comes back as the one track, so tests see who the
                      // server thinks called.
                      out.onNext(
                          ShuffleResponse.newBuilder()
                              .setSeed(request.getSeed())
                              .addTracks(Track.newBuilder().setTrackId(Caller.current().name()))
                              .build());
                      out.onCompleted();
                    }
                  })
              .readinessCheck(
                  "postgres",
                  () -> {
                    try (Connection c = DriverManager.getConnection(url)) {
                      return c.isValid(2);
                    } catch (SQLException e) {
                      return false;
                    }
                  });
        });
  }
}
