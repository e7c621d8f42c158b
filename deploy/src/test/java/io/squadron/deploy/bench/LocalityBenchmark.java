package io.squadron.deploy.bench;

import io.squadron.deploy.call.ServiceCall;
import io.squadron.deploy.local.FleetShape;
import io.squadron.deploy.local.InstanceStatus;
import io.squadron.deploy.local.LocalPlatform;
import io.squadron.deploy.local.RunningService;
import io.squadron.deploy.local.Workspace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ./squadron bench locality}: issue 15's end-to-end locality check. The local platform runs
 * shuffle in two regions x two groups (real JVMs, mutual TLS); a client in region-1 reaches
 * region-2's instances through {@link DelayingProxy} links adding a delay each way (a far region;
 * {@code --one-way-ms N}, default {@value #DEFAULT_ONE_WAY_MS}), region-1's directly. Side by side,
 * in alternating rounds: ELS with {@code localRegion = region-1} (region-aware) and ELS without it
 * (region-blind: the same endpoints and region attributes, weights from latency alone). Prints per
 * side the latency percentiles and the share of calls served in the far region.
 */
public final class LocalityBenchmark {
  private static final int DEFAULT_ONE_WAY_MS = 250;
  private static final int ROUNDS = 5;
  private static final int CALLS_PER_ROUND = 200;
  private static final String SERVICE = "shuffle";
  private static final List<String> GRPC = List.of("squadron.shuffle.v1.ShuffleService");
  private static final String REQUEST =
      "{\"tracks\": [{\"trackId\": \"t1\", \"artistId\": \"a\"}, {\"trackId\": \"t2\", \"artistId\": \"b\"}]}";

  private LocalityBenchmark() {}

  public static void main(String[] args) throws Exception {
    int oneWayMs = DEFAULT_ONE_WAY_MS;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--one-way-ms") && i + 1 < args.length) {
        oneWayMs = Integer.parseInt(args[++i]);
      } else {
        throw new IllegalArgumentException(args[i] + " (expected: --one-way-ms N)");
      }
    }
    Path home = Path.of(System.getProperty("squadron.home", ".")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(home.resolve("pom.xml"))) {
      home = home.getParent();
    }
    Path state = Files.createTempDirectory("squadron-locality-bench");
    HttpClient http = HttpClient.newHttpClient();
    try (LocalPlatform platform =
        new LocalPlatform(
            new Workspace(home, state),
            System.out,
            Map.of(),
            new FleetShape(2, 1),
            Set.of(SERVICE))) {
      platform.start();
      List<DelayingProxy> proxies = new ArrayList<>();
      StringBuilder endpoints = new StringBuilder("squadron.clients." + SERVICE + ".endpoints = [");
      for (InstanceStatus i : platform.runState().instances()) {
        String address = i.process().address();
        if (!i.slot().region().equals("region-1")) {
          DelayingProxy proxy =
              new DelayingProxy(
                  new InetSocketAddress("127.0.0.1", i.process().port()),
                  Duration.ofMillis(oneWayMs));
          proxies.add(proxy);
          address = proxy.address();
        }
        endpoints
            .append(endpoints.charAt(endpoints.length() - 1) == '[' ? "" : ", ")
            .append("{ address = \"")
            .append(address)
            .append("\", region = \"")
            .append(i.slot().region())
            .append("\" }");
      }
      endpoints.append("]\n");
      String aware = platform.clientConfig(SERVICE, Optional.of("region-1")) + endpoints;
      String blind = platform.clientConfig(SERVICE, Optional.empty()) + endpoints;

      Side awareSide = new Side("region-aware");
      Side blindSide = new Side("region-blind");
      try (ServiceCall awareCall =
              ServiceCall.withClientConfig(SERVICE, GRPC, aware, Duration.ofSeconds(20));
          ServiceCall blindCall =
              ServiceCall.withClientConfig(SERVICE, GRPC, blind, Duration.ofSeconds(20))) {
        for (int i = 0; i < 50; i++) { // warm-up: connections, JIT, ELS's first measurements
          awareCall.call("Shuffle", REQUEST);
          blindCall.call("Shuffle", REQUEST);
        }
        for (int round = 0; round < ROUNDS; round++) {
          for (Side side :
              round % 2 == 0 ? List.of(awareSide, blindSide) : List.of(blindSide, awareSide)) {
            ServiceCall call = side == awareSide ? awareCall : blindCall;
            double[] before = servedByRegion(http, platform);
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
              long t0 = System.nanoTime();
              call.call("Shuffle", REQUEST);
              side.latenciesMs.add((System.nanoTime() - t0) / 1e6);
            }
            double[] after = servedByRegion(http, platform);
            side.near += after[0] - before[0];
            side.far += after[1] - before[1];
          }
        }
      } finally {
        for (DelayingProxy p : proxies) {
          p.close();
        }
      }
      System.out.printf(
          "%n%-13s %7s %8s %8s %8s %8s %9s%n",
          "client", "calls", "p50_ms", "p90_ms", "p99_ms", "max_ms", "far_share");
      for (Side s : List.of(awareSide, blindSide)) {
        System.out.printf(
            "%-13s %7d %8.1f %8.1f %8.1f %8.1f %9.3f%n",
            s.name,
            s.latenciesMs.size(),
            s.percentile(50),
            s.percentile(90),
            s.percentile(99),
            s.percentile(100),
            s.farShare());
      }
      System.out.printf(
          "BENCH locality one_way_delay_ms=%d aware_p50_ms=%.1f aware_p99_ms=%.1f blind_p50_ms=%.1f"
              + " blind_p99_ms=%.1f aware_far_share=%.3f blind_far_share=%.3f%n",
          oneWayMs,
          awareSide.percentile(50),
          awareSide.percentile(99),
          blindSide.percentile(50),
          blindSide.percentile(99),
          awareSide.farShare(),
          blindSide.farShare());
    }
  }

  private static final class Side {
    final String name;
    final List<Double> latenciesMs = new ArrayList<>();
    double near;
    double far;

    Side(String name) {
      this.name = name;
    }

    double percentile(double p) {
      double[] sorted = latenciesMs.stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(sorted);
      int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    double farShare() {
      return near + far == 0 ? 0 : far / (near + far);
    }
  }

  /**
   * Calls served to the operator identity in region-1 and elsewhere, from the instances' metrics.
   */
  private static double[] servedByRegion(HttpClient http, LocalPlatform platform)
      throws IOException, InterruptedException {
    double[] served = new double[2];
    for (InstanceStatus i : platform.runState().instances()) {
      RunningService s = i.process();
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create(s.metricsUrl())).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      double n =
          body.lines()
              .filter(l -> l.startsWith("squadron_rpc_server_duration_seconds_count"))
              .filter(l -> l.contains("caller=\"" + LocalPlatform.OPERATOR_IDENTITY + "\""))
              .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
              .sum();
      served[i.slot().region().equals("region-1") ? 0 : 1] += n;
    }
    return served;
  }
}
