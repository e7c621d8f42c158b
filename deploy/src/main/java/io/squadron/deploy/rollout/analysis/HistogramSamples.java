package io.squadron.deploy.rollout.analysis;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Latency samples from a Prometheus histogram's buckets over an interval ({@code
 * increase(..._bucket[...])} by {@code le}): every call becomes one sample at its bucket's upper
 * bound (the overflow bucket's at the largest finite bound), so the rank test sees each call, with
 * ties where calls share a bucket. Large counts are thinned in proportion, keeping the
 * distribution, so a test stays fast.
 */
public final class HistogramSamples {
  private HistogramSamples() {}

  /**
   * The samples of cumulative bucket counts (upper bound in seconds, {@code +Inf} included, to the
   * count of calls at or below it); increases from {@code increase()} may be fractional and are
   * rounded.
   *
   * @param maxSamples at most this many samples (thinned in proportion above it)
   */
  public static double[] fromCumulative(Map<Double, Double> cumulative, int maxSamples) {
    requireNonNull(cumulative, "cumulative");
    if (maxSamples <= 0) {
      throw new IllegalArgumentException("maxSamples: " + maxSamples + " (expected: > 0)");
    }
    NavigableMap<Double, Double> buckets = new TreeMap<>(cumulative);
    double total = buckets.isEmpty() ? 0 : Math.max(0, buckets.lastEntry().getValue());
    if (total < 0.5) {
      return new double[0];
    }
    double scale = Math.min(1.0, maxSamples / total);
    List<double[]> runs = new ArrayList<>();
    double below = 0;
    double largestFinite =
        buckets.keySet().stream()
            .filter(Double::isFinite)
            .mapToDouble(Double::doubleValue)
            .max()
            .orElse(0);
    for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
      // Cumulative counts from increase() can dip by rounding: a bucket never counts less than
      // nothing.
      double in = Math.max(0, bucket.getValue() - below);
      below = Math.max(below, bucket.getValue());
      long count = Math.round(in * scale);
      if (count > 0) {
        runs.add(
            new double[] {
              Double.isFinite(bucket.getKey()) ? bucket.getKey() : largestFinite, count
            });
      }
    }
    int n = (int) Math.min(maxSamples, runs.stream().mapToLong(r -> (long) r[1]).sum());
    double[] samples = new double[n];
    int i = 0;
    for (double[] run : runs) {
      for (long k = 0; k < (long) run[1] && i < n; k++) {
        samples[i++] = run[0];
      }
    }
    return samples;
  }
}
