package io.squadron.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.rpc.config.ConfigLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM's path: drain first, then stop accepting, and stores close only after the last handler
 * returned.
 */
class ShutdownEdgeTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private ManagedChannel channel(int port) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    toClose.add(channel::shutdownNow);
    return channel;
  }

  private static void until(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  private static Thread shutDownInBackground(SquadronServer server) {
    Thread stopper = new Thread(server::shutdownGracefully, "test-shutdown");
    stopper.start();
    return stopper;
  }

  @Test
  void drainDelay_isOnByDefault_andNewConnectionsAreServedWhileNotServing() throws Exception {
    ServerSettings defaults =
        ServerSettings.from(ConfigLoader.withOverrides(ConfigFactory.empty()));
    assertThat(defaults.drainDelay()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));

    SquadronServer server =
        TestServers.anyCaller(
                SquadronServer.builder(
                    ServerSettings.loopback()
                        .withShutdown(Duration.ofSeconds(1), Duration.ofSeconds(2))))
            .service(new ScriptedShuffleService("s"))
            .build()
            .start();
    toClose.add(server);
    int port = server.port();
    Thread stopper = shutDownInBackground(server);
    until("NOT_SERVING", () -> !server.isReady());

    // Draining: a client that has not noticed yet, on a brand-new connection, is still served;
    // health says go away.
    ManagedChannel late = channel(port);
    assertThat(
            HealthGrpc.newBlockingStub(late)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(
            ShuffleServiceGrpc.newBlockingStub(late)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .shuffle(ShuffleRequest.getDefaultInstance())
                .getTracksCount())
        .isEqualTo(1);

    stopper.join(10_000);
    assertThat(stopper.isAlive()).isFalse();
    assertThatThrownBy(
            () ->
                ShuffleServiceGrpc.newBlockingStub(channel(port))
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .shuffle(ShuffleRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class);
  }

  @Test
  void storesCloseOnlyAfterEveryHandlerReturned_evenOneThatOutlivesItsCall() throws Exception {
    AtomicBoolean storeClosed = new AtomicBoolean();
    AtomicReference<Boolean> wroteToAClosedStore = new AtomicReference<>();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // A handler stuck in a store call that ignores interruption (as a JDBC write may), then
    // writing.
    ShuffleServiceGrpc.ShuffleServiceImplBase stuck =
        new ShuffleServiceGrpc.ShuffleServiceImplBase() {
          @Override
          public void shuffle(ShuffleRequest request, StreamObserver<ShuffleResponse> out) {
            entered.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (release.getCount() > 0 && System.nanoTime() < deadline) {
              try {
                release.await(10, TimeUnit.MILLISECONDS);
              } catch (InterruptedException ignored) {
                // keeps waiting, like a blocking driver call
              }
            }
            wroteToAClosedStore.set(storeClosed.get());
          }
        };
    SquadronServer server =
        TestServers.anyCaller(
                SquadronServer.builder(
                    ServerSettings.loopback().withShutdown(Duration.ofMillis(200), Duration.ZERO)))
            .service(stuck)
            .closeOnShutdown(() -> storeClosed.set(true))
            .build()
            .start();
    toClose.add(server);
    var call =
        ShuffleServiceGrpc.newFutureStub(channel(server.port()))
            .shuffle(ShuffleRequest.getDefaultInstance());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    Thread stopper = shutDownInBackground(server);
    until("the call cancelled after the grace period", call::isDone);
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
    while (System.nanoTime() < end) {
      assertThat(storeClosed).as("store closed while its handler still runs").isFalse();
      Thread.sleep(10);
    }
    release.countDown();
    stopper.join(15_000);

    assertThat(stopper.isAlive()).isFalse();
    assertThat(storeClosed).isTrue();
    assertThat(wroteToAClosedStore).hasValue(false);
  }
}
