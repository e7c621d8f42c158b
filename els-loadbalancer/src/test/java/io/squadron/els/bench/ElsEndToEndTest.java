package io.squadron.els.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.EquivalentAddressGroup;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squadron.els.ElsLoadBalancerProvider;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real channel over loopback selects {@code els} through its service config and spreads calls.
 */
class ElsEndToEndTest {

  @Test
  void serviceConfigSelectsEls_andCallsSpreadOverEveryEndpoint() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    StaticResolverProvider resolver = new StaticResolverProvider();
    NameResolverRegistry.getDefaultRegistry().register(resolver);
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    List<BenchServer> servers = new ArrayList<>();
    ManagedChannel channel = null;
    try {
      List<EquivalentAddressGroup> addresses = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        BenchServer s = new BenchServer(timer, i, 4, 0.5, 0.5);
        s.start();
        s.counting(true);
        servers.add(s);
        addresses.add(new EquivalentAddressGroup(new InetSocketAddress("127.0.0.1", s.port())));
      }
      resolver.put("e2e", addresses);
      // The provider found by the service loader; metrics to this channel's own registry.
      channel =
          NettyChannelBuilder.forTarget("bench:///e2e")
              .usePlaintext()
              .setNameResolverArg(ElsLoadBalancerProvider.METER_REGISTRY, registry)
              .defaultServiceConfig(Map.of("loadBalancingConfig", List.of(Map.of("els", Map.of()))))
              .build();
      for (int i = 0; i < 300; i++) {
        ClientCalls.blockingUnaryCall(
            channel,
            BenchServer.METHOD,
            CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
            new byte[1]);
      }
      for (BenchServer s : servers) {
        assertThat(s.received()).isPositive();
      }
      List<Gauge> weights =
          new ArrayList<>(registry.find("els.endpoint.weight").tag("target", "e2e").gauges());
      assertThat(weights).hasSize(3);
    } finally {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      for (BenchServer s : servers) {
        s.stop();
      }
      timer.shutdownNow();
      NameResolverRegistry.getDefaultRegistry().deregister(resolver);
    }
  }
}
