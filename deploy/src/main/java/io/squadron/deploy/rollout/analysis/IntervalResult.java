package io.squadron.deploy.rollout.analysis;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One analysis interval: every metric's result, the score (the share of metrics passing) and the
 * interval's verdict. Any inconclusive metric makes the interval inconclusive: a metric without
 * enough samples is never taken as passing.
 *
 * @param index the interval's number, from 1
 * @param metrics every metric's result
 * @param score passing metrics over all metrics (NaN when there are none)
 * @param verdict PASS when the score reaches the pass threshold, MARGINAL the marginal one, else
 *     FAIL; INCONCLUSIVE when a metric is, or there are none
 */
public record IntervalResult(int index, List<MetricResult> metrics, double score, Verdict verdict) {
  public IntervalResult {
    requireNonNull(metrics, "metrics");
    requireNonNull(verdict, "verdict");
    metrics = List.copyOf(metrics);
  }

  /** Scores the metrics of one interval. */
  public static IntervalResult of(
      int index, List<MetricResult> metrics, AnalysisSettings settings) {
    requireNonNull(settings, "settings");
    if (index < 1) {
      throw new IllegalArgumentException("index: " + index + " (expected: >= 1)");
    }
    if (metrics.isEmpty()) {
      return new IntervalResult(index, metrics, Double.NaN, Verdict.INCONCLUSIVE);
    }
    long passing = metrics.stream().filter(m -> m.verdict() == Verdict.PASS).count();
    double score = (double) passing / metrics.size();
    Verdict verdict;
    if (metrics.stream().anyMatch(m -> m.verdict() == Verdict.INCONCLUSIVE)) {
      verdict = Verdict.INCONCLUSIVE;
    } else if (score >= settings.passScore()) {
      verdict = Verdict.PASS;
    } else if (score >= settings.marginalScore()) {
      verdict = Verdict.MARGINAL;
    } else {
      verdict = Verdict.FAIL;
    }
    return new IntervalResult(index, metrics, score, verdict);
  }
}
