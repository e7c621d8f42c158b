package io.squadron.deploy.bench;

import io.squadron.deploy.call.ServiceCall;
import io.squadron.deploy.prometheus.PrometheusClient;
import io.squadron.deploy.rollout.CanaryTraffic;
import io.squadron.deploy.rollout.analysis.AnalysisSettings;
import io.squadron.deploy.rollout.analysis.CanaryAnalysis;
import io.squadron.deploy.rollout.analysis.CanaryMetrics;
import io.squadron.infra.prometheus.PrometheusLauncher;
import io.squadron.infra.prometheus.PrometheusServer;
import io.squadron.infra.prometheus.ScrapeTarget;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.service.ServiceHarness;
import io.squadron.testkit.service.TestCertificates;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code ./squadron bench rollout}: the canary analysis against real instances and a real
 * Prometheus. 20 A/A canaries (canary and baseline on the same release) and 20 bad ones (10 with
 * +50% latency on Shuffle, 10 with 2% of its calls failing, both through rpc-core's {@code
 * squadron.fault-injection}); each a pair of shuffle instances started at the same time, scraped by
 * Prometheus every second, given the same bounded traffic (20 calls a second each, a 200-track
 * balanced shuffle), and judged every 5 s after a 5 s warm-up by the rollout's analysis with its
 * default thresholds. Four canaries run at a time (2 cores). A false alarm is an A/A canary rolled
 * back; a miss is a bad one promoted; detection is from the pair's start to the rollback.
 */
public final class RolloutBenchmark {
  private static final String SERVICE = "shuffle";
  private static final String METHOD = "squadron.shuffle.v1.ShuffleService/Shuffle";
  private static final String CALLER = "checkout";
  static final Duration INTERVAL = Duration.ofSeconds(5);
  static final Duration WARMUP = Duration.ofSeconds(5);
  static final Duration SCRAPE = Duration.ofSeconds(1);
  static final double CALLS_PER_SECOND = 20;
  private static final int AT_A_TIME = 4;

  private RolloutBenchmark() {}

  enum Kind {
    AA(""),
    LATENCY("squadron.fault-injection { method = \"" + METHOD + "\", added-latency = 50% }"),
    ERRORS("squadron.fault-injection { method = \"" + METHOD + "\", error-rate = 0.02 }");

    final String canaryConfig;

    Kind(String canaryConfig) {
      this.canaryConfig = canaryConfig;
    }
  }

  record Result(
      int number, Kind kind, boolean promoted, double seconds, int intervals, String reason) {}

  /** A 200-track playlist of 20 artists, as JSON. */
  static String playlist() {
    return IntStream.range(0, 200)
        .mapToObj(i -> "{\"trackId\":\"t" + i + "\",\"artistId\":\"a" + (i % 20) + "\"}")
        .collect(Collectors.joining(",", "{\"tracks\":[", "]}"));
  }

  public static void main(String[] args) throws Exception {
    List<Kind> kinds = new ArrayList<>();
    kinds.addAll(Collections.nCopies(20, Kind.AA));
    kinds.addAll(Collections.nCopies(10, Kind.LATENCY));
    kinds.addAll(Collections.nCopies(10, Kind.ERRORS));
    // Interleaved, so machine noise over the run falls on every kind alike.
    Collections.shuffle(kinds, new java.util.Random(7));
    try (PrometheusServer prometheus =
            PrometheusLauncher.builder()
                .scrapeInterval(SCRAPE)
                .renameScrapedLabel("service", "grpc_service")
                .start();
        ServiceHarness shuffle = ServiceHarness.forService(SERVICE).start()) {
      PrometheusClient client = new PrometheusClient(prometheus.url());
      Map<String, ScrapeTarget> targets = new ConcurrentHashMap<>();
      String request = playlist();
      ExecutorService pool = Executors.newFixedThreadPool(AT_A_TIME);
      List<Future<Result>> futures = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int i = 0; i < kinds.size(); i++) {
        int number = i + 1;
        Kind kind = kinds.get(i);
        futures.add(
            pool.submit(() -> runOne(number, kind, shuffle, prometheus, client, targets, request)));
      }
      List<Result> results = new ArrayList<>();
      for (Future<Result> f : futures) {
        results.add(f.get());
      }
      pool.shutdown();
      print(results, (System.nanoTime() - t0) / 1e9);
    }
  }

  private static Result runOne(
      int number,
      Kind kind,
      ServiceHarness shuffle,
      PrometheusServer prometheus,
      PrometheusClient client,
      Map<String, ScrapeTarget> targets,
      String request)
      throws Exception {
    SquadronServer baseline = shuffle.startInstance("");
    SquadronServer canary = shuffle.startInstance(kind.canaryConfig);
    String canaryAdmin = "127.0.0.1:" + canary.adminPort();
    String baselineAdmin = "127.0.0.1:" + baseline.adminPort();
    synchronized (targets) {
      targets.put(canaryAdmin, target(canaryAdmin, number, "canary"));
      targets.put(baselineAdmin, target(baselineAdmin, number, "baseline"));
      prometheus.setTargets(SERVICE, List.copyOf(targets.values()));
    }
    List<String> grpcServices = shuffle.descriptor().grpcServices();
    java.nio.file.Path certs = TestCertificates.shared().dirFor(CALLER);
    try (ServiceCall toCanary =
            ServiceCall.asIdentity(
                SERVICE,
                grpcServices,
                "127.0.0.1:" + canary.port(),
                certs,
                CALLER,
                Duration.ofSeconds(10));
        ServiceCall toBaseline =
            ServiceCall.asIdentity(
                SERVICE,
                grpcServices,
                "127.0.0.1:" + baseline.port(),
                certs,
                CALLER,
                Duration.ofSeconds(10));
        CanaryTraffic traffic =
            CanaryTraffic.start(
                List.of(
                    new CanaryTraffic.Target("canary", List.of(toCanary.prepare(METHOD, request))),
                    new CanaryTraffic.Target(
                        "baseline", List.of(toBaseline.prepare(METHOD, request)))),
                CALLS_PER_SECOND,
                new SplittableRandom(number))) {
      StringBuilder reports = new StringBuilder();
      CanaryMetrics metrics =
          new CanaryMetrics(
              client,
              SERVICE,
              Set.of(canaryAdmin),
              Set.of(baselineAdmin),
              AnalysisSettings.DEFAULTS);
      CanaryAnalysis.Outcome outcome =
          new CanaryAnalysis(
                  metrics::compareBetween,
                  AnalysisSettings.DEFAULTS,
                  INTERVAL,
                  WARMUP,
                  Clock.systemUTC(),
                  d -> Thread.sleep(d.toMillis()))
              .run(reports::append);
      Result result =
          new Result(
              number,
              kind,
              outcome.promoted(),
              outcome.elapsed().toMillis() / 1000.0,
              outcome.intervals().size(),
              outcome.decision().reason());
      boolean wrong = (kind == Kind.AA) != outcome.promoted();
      synchronized (RolloutBenchmark.class) {
        System.out.printf(
            Locale.ROOT,
            "canary %d (%s): %s after %.1f s%s%n",
            number,
            kind,
            outcome.promoted() ? "PROMOTE" : "ROLLBACK",
            result.seconds(),
            wrong ? " -- WRONG; its reports:\n" + reports : "");
      }
      return result;
    } finally {
      synchronized (targets) {
        targets.remove(canaryAdmin);
        targets.remove(baselineAdmin);
        prometheus.setTargets(SERVICE, List.copyOf(targets.values()));
      }
      canary.shutdownGracefully();
      baseline.shutdownGracefully();
    }
  }

  private static ScrapeTarget target(String address, int pair, String role) {
    return new ScrapeTarget(
        address, Map.of("service", SERVICE, "pair", Integer.toString(pair), "role", role));
  }

  private static void print(List<Result> results, double wallSeconds) {
    System.out.printf(
        Locale.ROOT,
        "rollout bench: interval %d s after a %d s warm-up, scrape %d s, %.0f calls/s a side, %s%n",
        INTERVAL.toSeconds(),
        WARMUP.toSeconds(),
        SCRAPE.toSeconds(),
        CALLS_PER_SECOND,
        AnalysisSettings.DEFAULTS);
    System.out.printf(
        Locale.ROOT,
        "%4s %-8s %-9s %8s %9s  %s%n",
        "#",
        "kind",
        "decision",
        "seconds",
        "intervals",
        "reason");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "%4d %-8s %-9s %8.1f %9d  %s%n",
          r.number(),
          r.kind(),
          r.promoted() ? "PROMOTE" : "ROLLBACK",
          r.seconds(),
          r.intervals(),
          r.reason());
    }
    long falseAlarms = results.stream().filter(r -> r.kind() == Kind.AA && !r.promoted()).count();
    long missed = results.stream().filter(r -> r.kind() != Kind.AA && r.promoted()).count();
    double[] detect =
        results.stream()
            .filter(r -> r.kind() != Kind.AA && !r.promoted())
            .mapToDouble(Result::seconds)
            .sorted()
            .toArray();
    for (Kind k : Kind.values()) {
      System.out.printf(
          Locale.ROOT,
          "%-8s n=%d promoted=%d rolled_back=%d%n",
          k,
          results.stream().filter(r -> r.kind() == k).count(),
          results.stream().filter(r -> r.kind() == k && r.promoted()).count(),
          results.stream().filter(r -> r.kind() == k && !r.promoted()).count());
    }
    System.out.printf(Locale.ROOT, "wall %.0f s%n", wallSeconds);
    System.out.printf(
        Locale.ROOT,
        "BENCH rollout false_alarms=%d missed=%d detect_p50_s=%.1f detect_max_s=%.1f%n",
        falseAlarms,
        missed,
        detect.length == 0 ? Double.NaN : detect[(detect.length - 1) / 2],
        detect.length == 0 ? Double.NaN : detect[detect.length - 1]);
  }
}
