package io.squadron.rpc.bench;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientSettings;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.rpc.server.TestServers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Unary calls over loopback: plain grpc-java server and client against the same handler served and
 * called through rpc-core (interceptor chain with metrics and error mapping, health, client
 * metrics, service config), in one run, same payload, same concurrency. The two sides alternate
 * twice so drift on a shared machine hits both.
 *
 * <p>Arguments: {@code [seconds per round, default 8] [concurrency, default 32] [tracks per call,
 * default 10]}.
 */
public final class RpcBenchmark {
  private RpcBenchmark() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int tracks = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    ClosedLoopLoad load = new ClosedLoopLoad(concurrency, tracks);

    Server plainServer =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new EchoShuffleService())
            .build()
            .start();
    // Retries off on both sides: rpc-core's channels fail fast, and grpc-java's retry buffering
    // costs throughput.
    ManagedChannel plainChannel =
        NettyChannelBuilder.forAddress("127.0.0.1", plainServer.getPort())
            .usePlaintext()
            .disableRetry()
            .build();

    SquadronServer squadronServer =
        TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
            .service(new EchoShuffleService())
            .build()
            .start();
    ClientSettings defaults =
        ClientsSettings.from(ConfigLoader.withOverrides(com.typesafe.config.ConfigFactory.empty()))
            .defaults();
    ChannelFactory factory =
        ChannelFactory.builder(ClientsSettings.of(defaults))
            .meterRegistry(squadronServer.meterRegistry())
            .build();
    ManagedChannel squadronChannel =
        factory.channel(
            ClientSettings.forAddresses(
                "bench", List.of("127.0.0.1:" + squadronServer.port()), defaults));

    try {
      System.out.printf(
          "rpc benchmark: %d calls outstanding, %d tracks per call, %d s per round%n",
          concurrency, tracks, seconds);
      SideBySide.Totals totals =
          new SideBySide(load, "plain")
              .run(
                  plainChannel,
                  squadronChannel,
                  Duration.ofSeconds(Math.max(5, seconds)),
                  Duration.ofSeconds(seconds));
      SideTotals plain = totals.plain();
      SideTotals squadron = totals.squadron();
      double ratio = squadron.qps() / plain.qps();
      System.out.printf(
          "%-8s %-10s %12.0f %10s %10.0f %12.0f%n",
          "total", "plain", plain.qps(), "", plain.p99(), plain.bytesPerCall());
      System.out.printf(
          "%-8s %-10s %12.0f %10s %10.0f %12.0f%n",
          "total", "squadron", squadron.qps(), "", squadron.p99(), squadron.bytesPerCall());
      System.out.printf(
          "BENCH rpc plain_qps=%.0f squadron_qps=%.0f ratio=%.3f plain_p99_us=%.0f squadron_p99_us=%.0f"
              + " plain_bytes_per_call=%.0f squadron_bytes_per_call=%.0f concurrency=%d%n",
          plain.qps(),
          squadron.qps(),
          ratio,
          plain.p99(),
          squadron.p99(),
          plain.bytesPerCall(),
          squadron.bytesPerCall(),
          concurrency);
    } finally {
      plainChannel.shutdownNow();
      factory.close();
      plainServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      squadronServer.shutdownGracefully();
    }
  }
}
