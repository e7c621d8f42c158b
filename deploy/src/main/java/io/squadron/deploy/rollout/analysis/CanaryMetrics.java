package io.squadron.deploy.rollout.analysis;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.prometheus.PrometheusClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A canary's metrics against its baseline's, read from Prometheus over one interval: per gRPC
 * method, the latency of successful calls (one sample per call, from the duration histogram's
 * buckets) and the server-error count, each side selected by its instances' {@code instance} labels
 * (the admin addresses {@code up} scrapes).
 */
public final class CanaryMetrics {
  /**
   * The statuses that count as the service's errors (the SLO rules' set: caller mistakes and
   * refusals do not).
   */
  public static final String SERVER_ERRORS =
      "UNKNOWN|INTERNAL|UNAVAILABLE|DATA_LOSS|DEADLINE_EXCEEDED|UNIMPLEMENTED";

  private static final String DURATION = "squadron_rpc_server_duration_seconds";
  private static final int MAX_SAMPLES = 5000;

  private final PrometheusClient prometheus;
  private final String service;
  private final String canary;
  private final String baseline;
  private final AnalysisSettings settings;

  /**
   * Compares {@code canaryInstances} with {@code baselineInstances} of {@code service}.
   *
   * @param canaryInstances the canary's {@code instance} label values ({@code 127.0.0.1:PORT})
   */
  public CanaryMetrics(
      PrometheusClient prometheus,
      String service,
      Set<String> canaryInstances,
      Set<String> baselineInstances,
      AnalysisSettings settings) {
    this.prometheus = requireNonNull(prometheus, "prometheus");
    this.service = requireNonNull(service, "service");
    this.canary = instanceRegex(canaryInstances, "canaryInstances");
    this.baseline = instanceRegex(baselineInstances, "baselineInstances");
    this.settings = requireNonNull(settings, "settings");
  }

  /** Every method's latency and error comparison over the {@code window} ending at {@code end}. */
  public List<MetricResult> compare(Instant end, Duration window) {
    requireNonNull(end, "end");
    requireNonNull(window, "window");
    return compareWith(end, "[" + Math.max(1, window.toSeconds()) + "s]");
  }

  /**
   * Every method's comparison over the instances' whole lives up to {@code end}: the counters' own
   * values rather than their {@code increase()}, exact for instances started for the canary (a
   * canary and its baseline are). {@code increase()} would miss the calls counted before a series'
   * first scrape: an error status's series appears with its first errors already in it.
   */
  public List<MetricResult> compareLifetime(Instant end) {
    requireNonNull(end, "end");
    return results(snapshot(end, null));
  }

  /**
   * Every method's comparison of the calls counted between {@code from} and {@code end}: the
   * counters' values at {@code end} minus those at {@code from} (a series absent at {@code from}
   * counted nothing before it), for instances started for the canary; {@code from} is the end of
   * their warm-up, so cold-start latency (class loading, JIT, first TLS handshakes) is left out.
   */
  public List<MetricResult> compareBetween(Instant from, Instant end) {
    requireNonNull(from, "from");
    requireNonNull(end, "end");
    if (!from.isBefore(end)) {
      throw new IllegalArgumentException("from: " + from + " (expected: before end " + end + ")");
    }
    return results(snapshot(end, null).minus(snapshot(from, null)));
  }

  private List<MetricResult> compareWith(Instant end, String range) {
    return results(snapshot(end, range));
  }

  /** One side's counters by method: calls, server errors, and OK calls per bucket bound. */
  private record Side(
      Map<String, Double> calls,
      Map<String, Double> errors,
      Map<String, Map<Double, Double>> buckets) {
    Side minus(Side earlier) {
      Map<String, Map<Double, Double>> b = new HashMap<>();
      buckets.forEach(
          (method, bounds) -> {
            Map<Double, Double> before = earlier.buckets.getOrDefault(method, Map.of());
            Map<Double, Double> diff = new TreeMap<>();
            bounds.forEach((le, v) -> diff.put(le, Math.max(0, v - before.getOrDefault(le, 0.0))));
            b.put(method, diff);
          });
      return new Side(subtract(calls, earlier.calls), subtract(errors, earlier.errors), b);
    }

    private static Map<String, Double> subtract(Map<String, Double> a, Map<String, Double> b) {
      Map<String, Double> out = new HashMap<>();
      a.forEach((k, v) -> out.put(k, Math.max(0, v - b.getOrDefault(k, 0.0))));
      return out;
    }
  }

  private record Snapshot(Side canary, Side baseline) {
    Snapshot minus(Snapshot earlier) {
      return new Snapshot(canary.minus(earlier.canary), baseline.minus(earlier.baseline));
    }
  }

  private Snapshot snapshot(Instant at, String range) {
    return new Snapshot(side(canary, at, range), side(baseline, at, range));
  }

  private Side side(String instances, Instant at, String range) {
    return new Side(
        byMethod(increase(DURATION + "_count", instances, ""), range, at),
        byMethod(increase(DURATION + "_count", instances, errors()), range, at),
        buckets(instances, range, at));
  }

  private List<MetricResult> results(Snapshot s) {
    Set<String> methods = new TreeSet<>(s.canary().calls().keySet());
    methods.addAll(s.baseline().calls().keySet());
    List<MetricResult> results = new ArrayList<>();
    for (String method : methods) {
      results.add(
          LatencyComparison.compare(
              "latency " + method,
              HistogramSamples.fromCumulative(
                  s.canary().buckets().getOrDefault(method, Map.of()), MAX_SAMPLES),
              HistogramSamples.fromCumulative(
                  s.baseline().buckets().getOrDefault(method, Map.of()), MAX_SAMPLES),
              settings));
      long canaryCalls = round(s.canary().calls().get(method));
      long baselineCalls = round(s.baseline().calls().get(method));
      results.add(
          ErrorComparison.compare(
              "errors " + method,
              canaryCalls,
              Math.min(round(s.canary().errors().get(method)), canaryCalls),
              baselineCalls,
              Math.min(round(s.baseline().errors().get(method)), baselineCalls),
              settings));
    }
    return results;
  }

  /**
   * The PromQL selecting one side's series of {@code metric} (before the range), for reports and
   * tests.
   */
  String increase(String metric, String instances, String extra) {
    return metric + "{service=\"" + service + "\",instance=~\"" + instances + "\"" + extra + "}";
  }

  private static String errors() {
    return ",status=~\"" + SERVER_ERRORS + "\"";
  }

  /** {@code increase(selector[range])}, or the selector itself over a lifetime (no range). */
  private static String counted(String selector, String range) {
    return range == null ? selector : "increase(" + selector + range + ")";
  }

  private Map<String, Double> byMethod(String selector, String range, Instant end) {
    Map<String, Double> out = new HashMap<>();
    prometheus
        .query("sum by (method) (" + counted(selector, range) + ")", end)
        .forEach(s -> out.put(s.labels().getOrDefault("method", ""), s.value()));
    return out;
  }

  private Map<String, Map<Double, Double>> buckets(String instances, String range, Instant end) {
    Map<String, Map<Double, Double>> out = new HashMap<>();
    String selector = increase(DURATION + "_bucket", instances, ",status=\"OK\"");
    for (PrometheusClient.Sample s :
        prometheus.query("sum by (method, le) (" + counted(selector, range) + ")", end)) {
      String le = s.labels().get("le");
      double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
      out.computeIfAbsent(s.labels().getOrDefault("method", ""), m -> new TreeMap<>())
          .put(bound, s.value());
    }
    return out;
  }

  private static long round(Double value) {
    return value == null || value.isNaN() ? 0 : Math.round(value);
  }

  /**
   * An RE2 alternation matching exactly these {@code host:port} values (dots escaped for the regex
   * and PromQL).
   */
  static String instanceRegex(Set<String> instances, String what) {
    requireNonNull(instances, what);
    if (instances.isEmpty()) {
      throw new IllegalArgumentException(what + ": empty (expected: at least one instance)");
    }
    return instances.stream()
        .sorted()
        .map(
            i -> {
              if (!i.matches("[A-Za-z0-9.:\\[\\]-]+")) {
                throw new IllegalArgumentException(what + ": '" + i + "' (expected: host:port)");
              }
              return i.replace(".", "\\\\.");
            })
        .collect(Collectors.joining("|"));
  }
}
