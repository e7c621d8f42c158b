package io.squadron.deploy.monitoring;

import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.rpc.metrics.MetricsSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bucket boundaries of rpc-core's call duration histograms exactly as services expose them. A
 * latency SLO selects one bucket by its {@code le} label, which must match the exposed text
 * character for character (Prometheus 2 does not normalise {@code 0.016777216} and {@code
 * 1.6777216E-2}); so the text is taken from Micrometer's own exposition of a timer built like
 * rpc-core's ({@link MetricsSettings#DEFAULT}'s range), not computed here.
 */
final class Histograms {
  /** One bucket: its upper bound in seconds and its {@code le} label as exposed. */
  record Bucket(double seconds, String le) {}

  private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

  private Histograms() {}

  /** Every finite bucket of a call duration timer, ascending. */
  static List<Bucket> callDurationBuckets() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try {
      Timer timer =
          Timer.builder("bucket.probe")
              .minimumExpectedValue(MetricsSettings.DEFAULT.minExpected())
              .maximumExpectedValue(MetricsSettings.DEFAULT.maxExpected())
              .publishPercentileHistogram(true)
              .register(registry);
      timer.record(Duration.ofMillis(1));
      List<Bucket> buckets = new ArrayList<>();
      for (String line : registry.scrape().split("\n")) {
        Matcher m = LE.matcher(line);
        if (line.startsWith("bucket_probe_seconds_bucket")
            && m.find()
            && !m.group(1).equals("+Inf")) {
          buckets.add(new Bucket(Double.parseDouble(m.group(1)), m.group(1)));
        }
      }
      if (buckets.isEmpty()) {
        throw new IllegalStateException(
            "Micrometer exposed no histogram buckets for a timer with a histogram");
      }
      return buckets;
    } finally {
      registry.close();
    }
  }

  /**
   * The largest bucket at or below {@code threshold}: calls above it count as slow, so the
   * objective is measured at most one bucket stricter than stated, never looser.
   */
  static Bucket atOrBelow(Duration threshold) {
    double seconds = threshold.toNanos() / 1e9;
    Bucket best = null;
    for (Bucket b : callDurationBuckets()) {
      if (b.seconds() <= seconds * (1 + 1e-9)) {
        best = b;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException(
          "threshold: " + threshold + " is below the smallest histogram bucket");
    }
    return best;
  }
}
