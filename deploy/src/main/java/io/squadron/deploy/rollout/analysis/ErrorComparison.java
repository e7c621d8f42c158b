package io.squadron.deploy.rollout.analysis;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;
import org.apache.commons.statistics.inference.SignificanceResult;

/**
 * Canary against baseline errors: a one-sided exact binomial test of the canary's error count
 * against the baseline's error ratio (smoothed, so a baseline without errors does not make any
 * single canary error "impossible"), with the difference of the ratios as the effect size. It fails
 * a significant rise of at least the minimum; it passes only a canary whose error ratio's
 * Clopper-Pearson upper bound is within the pass margin of the baseline's (no evidence of a rise is
 * not evidence of none: a 2% canary with a few unlucky calls waits instead of passing).
 */
public final class ErrorComparison {
  private static final BinomialTest TEST =
      BinomialTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN);

  private ErrorComparison() {}

  /**
   * Compares error counts; fails only a significant rise of the error ratio at least as large as
   * the minimum.
   */
  public static MetricResult compare(
      String metric,
      long canaryCalls,
      long canaryErrors,
      long baselineCalls,
      long baselineErrors,
      AnalysisSettings settings) {
    requireNonNull(metric, "metric");
    requireNonNull(settings, "settings");
    check("canary", canaryCalls, canaryErrors);
    check("baseline", baselineCalls, baselineErrors);
    double canaryRatio = canaryCalls == 0 ? Double.NaN : (double) canaryErrors / canaryCalls;
    double baselineRatio =
        baselineCalls == 0 ? Double.NaN : (double) baselineErrors / baselineCalls;
    String ratios =
        String.format(
            Locale.ROOT,
            "errors %d/%d (%.2f%%) vs %d/%d (%.2f%%)",
            canaryErrors,
            canaryCalls,
            100 * canaryRatio,
            baselineErrors,
            baselineCalls,
            100 * baselineRatio);
    if (canaryCalls < settings.minCalls() || baselineCalls < settings.minCalls()) {
      return new MetricResult(
          metric,
          canaryCalls,
          baselineCalls,
          Double.NaN,
          Double.NaN,
          ratios + "; fewer than " + settings.minCalls() + " calls a side",
          Verdict.INCONCLUSIVE);
    }
    // Jeffreys-like smoothing: half an error and one call added, so p stays in (0, 1).
    double expected = (baselineErrors + 0.5) / (baselineCalls + 1.0);
    SignificanceResult result =
        TEST.test(Math.toIntExact(canaryCalls), Math.toIntExact(canaryErrors), expected);
    double increase = canaryRatio - baselineRatio;
    boolean fails =
        result.getPValue() < settings.alpha() && increase >= settings.minErrorIncrease();
    if (fails) {
      return new MetricResult(
          metric, canaryCalls, baselineCalls, result.getPValue(), increase, ratios, Verdict.FAIL);
    }
    // Not failing is not passing: a canary passes only when its error ratio is bounded, with the
    // same confidence, below the baseline's plus the pass margin (else it waits for more calls).
    double bound = upperBound(canaryCalls, canaryErrors, settings.alpha()) - baselineRatio;
    double margin = passMargin(settings);
    boolean bounded = bound < margin;
    return new MetricResult(
        metric,
        canaryCalls,
        baselineCalls,
        result.getPValue(),
        increase,
        ratios
            + String.format(
                Locale.ROOT,
                "; rise bounded by %.2f%%%s",
                100 * bound,
                bounded ? "" : String.format(Locale.ROOT, " (pass: < %.2f%%)", 100 * margin)),
        bounded ? Verdict.PASS : Verdict.INCONCLUSIVE);
  }

  /**
   * The rise of the error ratio a passing canary is bounded below: twice the least rise that fails
   * (1 percentage point with the defaults).
   */
  static double passMargin(AnalysisSettings settings) {
    return Math.max(2 * settings.minErrorIncrease(), 0.001);
  }

  /** The one-sided Clopper-Pearson upper bound, at confidence 1 - alpha, of errors/calls. */
  static double upperBound(long calls, long errors, double alpha) {
    if (errors >= calls) {
      return 1;
    }
    return BetaDistribution.of(errors + 1.0, (double) (calls - errors))
        .inverseCumulativeProbability(1 - alpha);
  }

  private static void check(String side, long calls, long errors) {
    if (calls < 0 || errors < 0 || errors > calls || calls > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          side
              + ": "
              + errors
              + " errors of "
              + calls
              + " calls (expected: 0 <= errors <= calls <= "
              + Integer.MAX_VALUE
              + ")");
    }
  }
}
