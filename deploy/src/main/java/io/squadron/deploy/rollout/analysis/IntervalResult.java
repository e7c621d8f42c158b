package io.squadron.deploy.rollout.analysis;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One analysis interval: every metric's result, the score (the share of the conclusive metrics
 * passing) and the interval's verdict. A score below the marginal threshold fails the interval even
 * while other metrics are inconclusive; otherwise any inconclusive metric makes it inconclusive: a
 * metric without enough samples is never taken as passing.
 *
 * @param index the interval's number, from 1
 * @param metrics every metric's result
 * @param score passing metrics over conclusive metrics (NaN when there are none)
 * @param verdict FAIL below the marginal threshold; else INCONCLUSIVE when a metric is; else PASS
 *     at the pass threshold, MARGINAL at the marginal one
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
    // The score is over the metrics with enough samples (an inconclusive metric is no evidence
    // either way, as Kayenta leaves out metrics without data): a clear failure counts at once,
    // while a pass needs every metric conclusive.
    long conclusive = metrics.stream().filter(m -> m.verdict() != Verdict.INCONCLUSIVE).count();
    if (conclusive == 0) {
      return new IntervalResult(index, metrics, Double.NaN, Verdict.INCONCLUSIVE);
    }
    long passing = metrics.stream().filter(m -> m.verdict() == Verdict.PASS).count();
    double score = (double) passing / conclusive;
    Verdict verdict;
    if (score < settings.marginalScore()) {
      verdict = Verdict.FAIL;
    } else if (conclusive < metrics.size()) {
      verdict = Verdict.INCONCLUSIVE;
    } else if (score >= settings.passScore()) {
      verdict = Verdict.PASS;
    } else {
      verdict = Verdict.MARGINAL;
    }
    return new IntervalResult(index, metrics, score, verdict);
  }
}
