package io.squadron.deploy.rollout.analysis;

/**
 * The canary analysis's thresholds.
 *
 * @param minLatencySamples latency samples each side needs before its test counts (fewer:
 *     inconclusive)
 * @param minCalls calls each side needs before the error test counts
 * @param alpha the significance level of each one-sided test
 * @param minLatencyEffect the least probability that a canary call is slower than a baseline call
 *     that fails a significant latency difference (0.5 is none; Vargha and Delaney call 0.64
 *     medium, 0.71 large)
 * @param minErrorIncrease the least rise of the error ratio (absolute, 0.005 = half a percentage
 *     point) that fails a significant error difference
 * @param passScore the least share of metrics passing for an interval to pass
 * @param marginalScore the least share for it to be marginal (below: it fails)
 * @param failAfter consecutive failing intervals that roll the canary back
 * @param passAfter passing intervals (not necessarily consecutive, none failing since) that promote
 *     it
 * @param maxIntervals intervals after which a canary that has not passed is rolled back (fail safe:
 *     too little traffic never passes)
 */
public record AnalysisSettings(
    int minLatencySamples,
    long minCalls,
    double alpha,
    double minLatencyEffect,
    double minErrorIncrease,
    double passScore,
    double marginalScore,
    int failAfter,
    int passAfter,
    int maxIntervals) {

  /**
   * Defaults for the local platform's rollouts: strict scores (a single failing metric fails an
   * interval of fewer than ten metrics; the effect minimums keep A/A noise from failing one), two
   * failing intervals in a row to roll back, three passing to promote, ten at most.
   */
  public static final AnalysisSettings DEFAULTS =
      new AnalysisSettings(50, 200, 0.01, 0.6, 0.005, 1.0, 0.9, 2, 3, 10);

  public AnalysisSettings {
    positive("minLatencySamples", minLatencySamples);
    positive("minCalls", minCalls);
    if (!(alpha > 0 && alpha < 0.5)) {
      throw new IllegalArgumentException("alpha: " + alpha + " (expected: 0 < alpha < 0.5)");
    }
    if (!(minLatencyEffect >= 0.5 && minLatencyEffect < 1)) {
      throw new IllegalArgumentException(
          "minLatencyEffect: " + minLatencyEffect + " (expected: 0.5 <= x < 1)");
    }
    if (!(minErrorIncrease >= 0 && minErrorIncrease < 1)) {
      throw new IllegalArgumentException(
          "minErrorIncrease: " + minErrorIncrease + " (expected: 0 <= x < 1)");
    }
    if (!(marginalScore > 0 && marginalScore <= passScore && passScore <= 1)) {
      throw new IllegalArgumentException(
          "scores: marginal "
              + marginalScore
              + ", pass "
              + passScore
              + " (expected: 0 < marginal <= pass <= 1)");
    }
    positive("failAfter", failAfter);
    positive("passAfter", passAfter);
    if (maxIntervals < Math.max(failAfter, passAfter)) {
      throw new IllegalArgumentException(
          "maxIntervals: " + maxIntervals + " (expected: >= failAfter and passAfter)");
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }
}
