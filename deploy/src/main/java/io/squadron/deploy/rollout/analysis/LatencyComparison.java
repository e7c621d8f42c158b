package io.squadron.deploy.rollout.analysis;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.MannWhitneyUTest;

/**
 * Canary against baseline latency: a one-sided Mann-Whitney U test (is the canary slower?) with its
 * effect size, the probability that a canary call is slower than a baseline call (Vargha-Delaney A,
 * U over n1 n2). It needs no distribution (latency is skewed and long-tailed) and tolerates the
 * ties of histogram buckets. It fails a significant slowdown of at least the minimum effect, and
 * passes only when the effect's upper confidence bound is below that minimum (else: inconclusive,
 * wait for more samples).
 */
public final class LatencyComparison {
  private static final MannWhitneyUTest TEST =
      MannWhitneyUTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN);

  private LatencyComparison() {}

  /**
   * Compares latency samples (seconds); fails only a significant slowdown at least as large as the
   * minimum.
   */
  public static MetricResult compare(
      String metric, double[] canary, double[] baseline, AnalysisSettings settings) {
    requireNonNull(metric, "metric");
    requireNonNull(canary, "canary");
    requireNonNull(baseline, "baseline");
    requireNonNull(settings, "settings");
    String medians =
        String.format(
            Locale.ROOT, "median %s vs %s", millis(median(canary)), millis(median(baseline)));
    if (canary.length < settings.minLatencySamples()
        || baseline.length < settings.minLatencySamples()) {
      return new MetricResult(
          metric,
          canary.length,
          baseline.length,
          Double.NaN,
          Double.NaN,
          medians + "; fewer than " + settings.minLatencySamples() + " samples a side",
          Verdict.INCONCLUSIVE);
    }
    MannWhitneyUTest.Result result = TEST.test(canary, baseline);
    double slower = result.getStatistic() / ((double) canary.length * baseline.length);
    boolean fails = result.getPValue() < settings.alpha() && slower >= settings.minLatencyEffect();
    // Not failing is not passing: the effect's upper confidence bound must be below the minimum
    // effect, else more samples are needed (the normal approximation of U's null variance,
    // conservative with ties).
    double n1 = canary.length;
    double n2 = baseline.length;
    double bound =
        slower
            + NORMAL.inverseCumulativeProbability(1 - settings.alpha())
                * Math.sqrt((n1 + n2 + 1) / (12 * n1 * n2));
    Verdict verdict =
        fails
            ? Verdict.FAIL
            : bound < settings.minLatencyEffect() ? Verdict.PASS : Verdict.INCONCLUSIVE;
    return new MetricResult(
        metric,
        canary.length,
        baseline.length,
        result.getPValue(),
        slower,
        medians
            + String.format(
                Locale.ROOT,
                "; P(canary slower) %.3f, bounded by %.3f",
                slower,
                Math.min(1, bound)),
        verdict);
  }

  private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

  static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static String millis(double seconds) {
    return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.2f ms", seconds * 1000);
  }
}
