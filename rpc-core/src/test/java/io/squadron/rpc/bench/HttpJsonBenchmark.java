package io.squadron.rpc.bench;

import com.google.protobuf.util.JsonFormat;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.infra.certs.DevCerts;
import io.squadron.infra.certs.TlsContexts;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.http.HttpSettings;
import io.squadron.rpc.platform.ClientSecurity;
import io.squadron.rpc.platform.ServerSecurity;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The same method (ShuffleService.Shuffle, an echo handler) on one rpc-core server, called over
 * gRPC (rpc-core's client, mutual TLS) and over HTTP/JSON ({@code POST /v1/shuffle}, the JDK's
 * HTTP/1.1 client with the same client certificate): both through the whole chain (identity,
 * permission, rate limit high enough never to reject, metrics, error mapping), in one run, same
 * payload, same number of calls outstanding, rounds alternating. Client and server share the
 * machine, so each side's figure includes its client's cost.
 *
 * <p>Arguments: {@code [warm-up seconds per side, default 10] [seconds per round, default 12]
 * [concurrency, default 32] [tracks per call, default 10]}. Ends with {@code BENCH http-json
 * grpc_qps=... http_json_qps=... ratio=...}.
 */
public final class HttpJsonBenchmark {
  private static final int MAX_SAMPLES = 8_000_000;

  private HttpJsonBenchmark() {}

  public static void main(String[] args) throws Exception {
    int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 12;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int tracks = args.length > 3 ? Integer.parseInt(args[3]) : 10;
    ClosedLoopLoad load = new ClosedLoopLoad(concurrency, tracks);
    String json = JsonFormat.printer().print(load.request());

    Path pki = Files.createTempDirectory("squadron-bench-pki");
    DevCerts.generate(pki, List.of("shuffle", "bench"));
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
        SquadronServer.builder(ServerSettings.loopback())
            .service(new EchoShuffleService())
            .http(HttpSettings.loopback());
    ServerSecurity security = ServerSecurity.configure(builder, serverConfig, registry);
    SquadronServer server = builder.build().start();
    Config clientConfig =
        ConfigLoader.withOverrides(
            ConfigFactory.parseString(
                """
        squadron.security { service-name = bench, cert-dir = "%s" }
        squadron.clients.shuffle.addresses = ["127.0.0.1:%d"]
        """
                    .formatted(pki, server.port())));
    ChannelFactory factory =
        ClientSecurity.configure(
                ChannelFactory.builder(ClientsSettings.from(clientConfig)), clientConfig)
            .build();
    ManagedChannel grpc = factory.channel("shuffle");
    HttpClient http =
        HttpClient.newBuilder()
            .sslContext(TlsContexts.client(pki, Optional.of("bench")))
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.httpPort() + "/v1/shuffle"))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();

    try {
      System.out.printf(
          "http-json benchmark: one server, mTLS, %d calls outstanding, %d tracks per call (%d bytes of "
              + "JSON), %d s warm-up per side, %d s per round%n",
          concurrency, tracks, json.length(), warmup, seconds);
      System.out.println("warming up both sides...");
      load.run(grpc, Duration.ofSeconds(warmup));
      runHttp(http, request, concurrency, Duration.ofSeconds(warmup));
      SideTotals grpcTotals = new SideTotals();
      SideTotals httpTotals = new SideTotals();
      System.out.printf(
          "%-8s %-10s %12s %10s %10s %10s%n", "round", "side", "qps", "p50_us", "p99_us", "failed");
      for (int r = 1; r <= 2; r++) {
        for (int i = 0; i < 2; i++) {
          boolean isGrpc = (r % 2 == 1) == (i == 0);
          ClosedLoopLoad.Result result =
              isGrpc
                  ? load.run(grpc, Duration.ofSeconds(seconds))
                  : runHttp(http, request, concurrency, Duration.ofSeconds(seconds));
          (isGrpc ? grpcTotals : httpTotals).add(result);
          System.out.printf(
              "%-8d %-10s %12.0f %10.0f %10.0f %10d%n",
              r,
              isGrpc ? "grpc" : "http_json",
              result.qps(),
              result.quantileMicros(0.5),
              result.quantileMicros(0.99),
              result.failures());
        }
      }
      System.out.printf(
          "BENCH http-json grpc_qps=%.0f http_json_qps=%.0f ratio=%.3f grpc_p99_us=%.0f"
              + " http_json_p99_us=%.0f failures=%d concurrency=%d%n",
          grpcTotals.qps(),
          httpTotals.qps(),
          httpTotals.qps() / grpcTotals.qps(),
          grpcTotals.p99(),
          httpTotals.p99(),
          grpcTotals.failures() + httpTotals.failures(),
          concurrency);
    } finally {
      factory.close();
      server.shutdownGracefully();
      security.close();
      try (var files = Files.walk(pki)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * {@code concurrency} HTTP requests outstanding for {@code duration}, each completion starting
   * the next.
   */
  private static ClosedLoopLoad.Result runHttp(
      HttpClient http, HttpRequest request, int concurrency, Duration duration)
      throws InterruptedException {
    long[] samples = new long[MAX_SAMPLES];
    AtomicInteger count = new AtomicInteger();
    AtomicLong calls = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long allocatedBefore = AllocatedBytes.ofAllThreads();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      new Object() {
        void next() {
          long started = System.nanoTime();
          if (started >= end) {
            done.countDown();
            return;
          }
          http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
              .whenComplete(
                  (response, error) -> {
                    if (error == null && response.statusCode() == 200) {
                      calls.incrementAndGet();
                      int n = count.getAndIncrement();
                      if (n < samples.length) {
                        samples[n] = System.nanoTime() - started;
                      }
                    } else {
                      failures.incrementAndGet();
                    }
                    next();
                  });
        }
      }.next();
    }
    if (!done.await(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("requests still outstanding 30 s after the run ended");
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] latencies = Arrays.copyOf(samples, Math.min(count.get(), MAX_SAMPLES));
    Arrays.sort(latencies);
    long allocated = AllocatedBytes.ofAllThreads() - allocatedBefore;
    return new ClosedLoopLoad.Result(calls.get(), failures.get(), elapsed, latencies, allocated);
  }
}
