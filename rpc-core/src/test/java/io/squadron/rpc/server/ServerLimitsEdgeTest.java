package io.squadron.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.ListenableFuture;
import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.config.ConfigLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bounds one server puts on what its callers may hold: threads, calls per connection,
 * connection age.
 */
class ServerLimitsEdgeTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private SquadronServer start(ServerLimits limits, ScriptedShuffleService service) {
    SquadronServer server =
        TestServers.anyCaller(
                SquadronServer.builder(
                    ServerSettings.loopback()
                        .withShutdown(Duration.ofMillis(200), Duration.ZERO)
                        .withLimits(limits)))
            .service(service)
            .build()
            .start();
    toClose.add(
        () -> {
          service.release.countDown();
          server.close();
        });
    return server;
  }

  private ManagedChannel channel(SquadronServer server) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    toClose.add(channel::shutdownNow);
    return channel;
  }

  private static ShuffleRequest block() {
    return ShuffleRequest.newBuilder()
        .addTracks(Track.newBuilder().setTrackId("block").setArtistId("a"))
        .build();
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  /** Asserts that {@code condition} stays true for a while (a bound holding, not a race lost). */
  private static void staysTrue(String what, BooleanSupplier condition)
      throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (System.nanoTime() < end) {
      assertThat(condition.getAsBoolean()).as(what).isTrue();
      Thread.sleep(10);
    }
  }

  @Test
  void referenceDefaults_boundThreadsCallsKeepaliveAndConnectionAge() {
    ServerLimits limits =
        ServerSettings.from(ConfigLoader.withOverrides(ConfigFactory.empty())).limits();

    assertThat(limits).isEqualTo(ServerLimits.DEFAULT);
    assertThat(limits.executorThreads()).isBetween(1, 1000);
    assertThat(limits.maxConcurrentCallsPerConnection()).isBetween(1, 10_000);
    assertThat(limits.maxConnectionAge()).isLessThanOrEqualTo(Duration.ofHours(2));
    assertThat(limits.maxConnectionAgeGrace()).isLessThanOrEqualTo(Duration.ofMinutes(5));
    assertThat(limits.appMaxInboundMessageSize()).isLessThanOrEqualTo(4 * 1024 * 1024);
  }

  @Test
  void concurrentCallsOnOneConnection_boundedByMaxConcurrentCallsPerConnection() throws Exception {
    ScriptedShuffleService service = new ScriptedShuffleService("s");
    SquadronServer server =
        start(ServerLimits.DEFAULT.withMaxConcurrentCallsPerConnection(2), service);
    var stub = ShuffleServiceGrpc.newFutureStub(channel(server));

    List<ListenableFuture<ShuffleResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(stub.shuffle(block()));
    }
    until("two calls in their handlers", () -> service.calls.get() == 2);
    staysTrue("the third call waits for a stream", () -> service.calls.get() == 2);

    service.release.countDown();
    for (ListenableFuture<ShuffleResponse> call : calls) {
      assertThat(call.get(10, TimeUnit.SECONDS).getTracksCount()).isEqualTo(2);
    }
    assertThat(service.calls.get()).isEqualTo(3);
  }

  @Test
  void handlersRunningAtOnce_boundedByExecutorThreads() throws Exception {
    ScriptedShuffleService service = new ScriptedShuffleService("s");
    SquadronServer server = start(ServerLimits.DEFAULT.withExecutorThreads(2), service);
    List<ListenableFuture<ShuffleResponse>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      // One connection each: the bound is the server's, not a connection's.
      calls.add(ShuffleServiceGrpc.newFutureStub(channel(server)).shuffle(block()));
    }
    until("two calls in their handlers", () -> service.calls.get() == 2);
    staysTrue("the third call waits for a thread", () -> service.calls.get() == 2);
    assertThat(server.meterRegistry().scrape())
        .containsPattern("executor_queued\\{name=\"squadron-grpc\"} [1-9]");

    service.release.countDown();
    for (ListenableFuture<ShuffleResponse> call : calls) {
      assertThat(call.get(10, TimeUnit.SECONDS).getTracksCount()).isEqualTo(2);
    }
  }

  @Test
  void longLivedStream_endsAfterMaxConnectionAgeAndGrace() throws Exception {
    SquadronServer server =
        start(
            ServerLimits.DEFAULT.withMaxConnectionAge(
                Duration.ofMillis(500), Duration.ofMillis(500)),
            new ScriptedShuffleService("s"));
    CompletableFuture<Status> ended = new CompletableFuture<>();
    CompletableFuture<HealthCheckResponse> first = new CompletableFuture<>();

    HealthGrpc.newStub(channel(server))
        .watch(
            HealthCheckRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(HealthCheckResponse value) {
                first.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                ended.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {
                ended.complete(Status.OK);
              }
            });

    assertThat(first.get(10, TimeUnit.SECONDS).getStatus()).isNotNull();
    assertThat(ended.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }
}
