package io.squadron.rpc.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.infra.certs.DevCerts;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.internal.metrics.SecurityMetrics;
import io.squadron.rpc.platform.ClientSecurity;
import io.squadron.rpc.platform.ServerSecurity;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Unary calls over loopback with mutual TLS on both sides: plain grpc-java (TLS server and client,
 * nothing else) against rpc-core with the whole chain on (mTLS identity from the certificate,
 * permission check, a rate limit high enough never to reject, server and client metrics, error
 * mapping), in one run, same payload, same concurrency ({@link ClosedLoopLoad}). The sides
 * alternate twice so drift on a shared machine hits both. The plain channel has retries off, as
 * rpc-core's channels do by default, so the ratio measures the chain and nothing else.
 *
 * <p>Arguments: {@code [warm-up seconds per side, default 10] [seconds per round, default 12]
 * [concurrency, default 32] [tracks per call, default 10]}. Ends with {@code BENCH rpc-secure
 * plain_tls_qps=... squadron_qps=... ratio=...}.
 */
public final class RpcSecureBenchmark {
  private RpcSecureBenchmark() {}

  public static void main(String[] args) throws Exception {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int tracks = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    ClosedLoopLoad load = new ClosedLoopLoad(concurrency, tracks);

    Path pki = Files.createTempDirectory("squadron-bench-pki");
    DevCerts.generate(pki, List.of("shuffle", "bench"));

    Server plainServer =
        NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0),
                TlsServerCredentials.newBuilder()
                    .keyManager(
                        pki.resolve("shuffle.crt").toFile(), pki.resolve("shuffle.key").toFile())
                    .trustManager(pki.resolve("ca.crt").toFile())
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build())
            .addService(new EchoShuffleService())
            .build()
            .start();
    ManagedChannel plainChannel =
        NettyChannelBuilder.forAddress(
                "127.0.0.1",
                plainServer.getPort(),
                TlsChannelCredentials.newBuilder()
                    .keyManager(
                        pki.resolve("bench.crt").toFile(), pki.resolve("bench.key").toFile())
                    .trustManager(pki.resolve("ca.crt").toFile())
                    .build())
            // rpc-core's channels run without retries (fail fast); so does this one, or the ratio
            // would credit the
            // chain with the cost of grpc-java's retry buffering.
            .disableRetry()
            .build();

    Config serverConfig =
        ConfigLoader.withOverrides(
            ConfigFactory.parseString(
                """
        squadron.security { service-name = shuffle, cert-dir = "%s" }
        squadron.permissions.policy { "squadron.shuffle.v1.ShuffleService" = [bench] }
        squadron.rate-limits.default { rate = 1000000, burst = 1000000 }
        """
                    .formatted(pki)));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SquadronServer.Builder builder =
        SquadronServer.builder(ServerSettings.loopback()).service(new EchoShuffleService());
    ServerSecurity security = ServerSecurity.configure(builder, serverConfig, registry);
    SquadronServer squadronServer = builder.build().start();
    Config clientConfig =
        ConfigLoader.withOverrides(
            ConfigFactory.parseString(
                """
        squadron.security { service-name = bench, cert-dir = "%s" }
        squadron.clients.shuffle.addresses = ["127.0.0.1:%d"]
        """
                    .formatted(pki, squadronServer.port())));
    ChannelFactory factory =
        ClientSecurity.configure(
                ChannelFactory.builder(ClientsSettings.from(clientConfig)), clientConfig)
            .meterRegistry(registry)
            .build();
    ManagedChannel squadronChannel = factory.channel("shuffle");

    try {
      System.out.printf(
          "rpc-secure benchmark: mTLS both sides, %d calls outstanding, %d tracks per call, "
              + "%d s warm-up per side, %d s per round%n",
          concurrency, tracks, warmup, seconds);
      SideBySide.Totals totals =
          new SideBySide(load, "plain_tls")
              .run(
                  plainChannel,
                  squadronChannel,
                  Duration.ofSeconds(warmup),
                  Duration.ofSeconds(seconds));
      SideTotals plain = totals.plain();
      SideTotals squadron = totals.squadron();
      double denied =
          registry.find(SecurityMetrics.DENIED).counters().stream()
              .mapToDouble(c -> c.count())
              .sum();
      double limited =
          registry.find(SecurityMetrics.RATE_LIMITED).counters().stream()
              .mapToDouble(c -> c.count())
              .sum();
      System.out.printf(
          "failures: plain_tls=%d squadron=%d; squadron denials=%.0f rate-limited=%.0f%n",
          plain.failures(), squadron.failures(), denied, limited);
      System.out.printf(
          "BENCH rpc-secure plain_tls_qps=%.0f squadron_qps=%.0f ratio=%.3f plain_tls_p99_us=%.0f"
              + " squadron_p99_us=%.0f plain_tls_bytes_per_call=%.0f squadron_bytes_per_call=%.0f concurrency=%d%n",
          plain.qps(),
          squadron.qps(),
          squadron.qps() / plain.qps(),
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
      security.close();
      deleteTree(pki);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
