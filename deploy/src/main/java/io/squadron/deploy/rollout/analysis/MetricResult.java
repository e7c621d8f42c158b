package io.squadron.deploy.rollout.analysis;

import static java.util.Objects.requireNonNull;

/**
 * One metric's comparison of canary and baseline in one interval.
 *
 * @param metric what was compared, e.g. {@code latency Shuffle} or {@code errors Shuffle}
 * @param canarySamples the canary's sample count (latency samples, or calls for errors)
 * @param baselineSamples the baseline's
 * @param pValue the one-sided test's p-value (canary worse), NaN when inconclusive
 * @param effectSize latency: the probability that a canary call is slower than a baseline call (0.5
 *     = no difference); errors: the canary's error ratio minus the baseline's; NaN when
 *     inconclusive
 * @param detail what a reader needs to judge it (medians, ratios)
 * @param verdict PASS, FAIL or INCONCLUSIVE
 */
public record MetricResult(
    String metric,
    long canarySamples,
    long baselineSamples,
    double pValue,
    double effectSize,
    String detail,
    Verdict verdict) {
  public MetricResult {
    requireNonNull(metric, "metric");
    requireNonNull(detail, "detail");
    requireNonNull(verdict, "verdict");
    if (verdict == Verdict.MARGINAL) {
      throw new IllegalArgumentException(
          "verdict: MARGINAL (expected: PASS, FAIL or INCONCLUSIVE for a metric)");
    }
  }
}
