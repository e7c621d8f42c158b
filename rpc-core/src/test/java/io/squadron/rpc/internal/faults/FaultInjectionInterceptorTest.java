package io.squadron.rpc.internal.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.rpc.server.InterceptorStage;
import io.squadron.rpc.server.ScriptedShuffleService;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.rpc.server.TestServers;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The interceptor on a real server, with a seeded random source. */
class FaultInjectionInterceptorTest {
  @Test
  void errorRate_failsExactlyTheCallsWhoseDrawIsBelowIt_andCountsThem() {
    long seed = 42;
    double rate = 0.05;
    int calls = 400;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Random draws = new Random(seed);
    FaultInjectionInterceptor injector =
        new FaultInjectionInterceptor(
            new FaultInjectionSettings(
                "squadron.shuffle.v1.ShuffleService/Shuffle", 0, Duration.ZERO, rate),
            registry,
            draws::nextDouble,
            System::nanoTime);
    ScriptedShuffleService handler = new ScriptedShuffleService("s");
    try (SquadronServer server =
        TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
            .service(handler)
            .meterRegistry(registry)
            .interceptor(InterceptorStage.APPLICATION, injector)
            .closeOnShutdown(injector)
            .build()
            .start()) {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        var stub = ShuffleServiceGrpc.newBlockingStub(channel);
        int failed = 0;
        for (int i = 0; i < calls; i++) {
          try {
            stub.shuffle(ShuffleRequest.getDefaultInstance());
          } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            failed++;
          }
        }
        Random expected = new Random(seed);
        int expectedFailures = 0;
        for (int i = 0; i < calls; i++) {
          if (expected.nextDouble() < rate) {
            expectedFailures++;
          }
        }
        assertThat(failed).isEqualTo(expectedFailures).isPositive();
        assertThat(handler.calls.get()).isEqualTo(calls - failed);
        assertThat(
                registry
                    .get(FaultInjectionInterceptor.INJECTED)
                    .tag("fault", "error")
                    .counter()
                    .count())
            .isEqualTo(failed);
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
