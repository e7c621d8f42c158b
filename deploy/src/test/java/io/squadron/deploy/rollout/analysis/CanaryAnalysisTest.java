package io.squadron.deploy.rollout.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The canary analysis on synthetic samples with seeded randomness: the tests find a +50% latency or
 * 2% errors on realistic traffic, stay quiet on A/A comparisons, never pass on too few samples, and
 * the judge rolls back after consecutive failures or when a canary cannot pass in time.
 */
class CanaryAnalysisTest {
  private static final AnalysisSettings S = AnalysisSettings.DEFAULTS;

  /** Log-normal latencies around {@code medianSeconds}, the skewed shape of real call latency. */
  private static double[] latencies(SplittableRandom random, int n, double medianSeconds) {
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] = medianSeconds * Math.exp(0.5 * gaussian(random));
    }
    return out;
  }

  private static double gaussian(SplittableRandom random) {
    return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
        * Math.cos(2 * Math.PI * random.nextDouble());
  }

  private static long errors(SplittableRandom random, long calls, double ratio) {
    long e = 0;
    for (long i = 0; i < calls; i++) {
      e += random.nextDouble() < ratio ? 1 : 0;
    }
    return e;
  }

  @Test
  void latency_fiftyPercentSlower_fails_sameVersion_passes() {
    SplittableRandom random = new SplittableRandom(15);
    MetricResult slower =
        LatencyComparison.compare(
            "latency Get", latencies(random, 300, 0.015), latencies(random, 300, 0.010), S);
    assertThat(slower.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(slower.pValue()).isLessThan(1e-6);
    assertThat(slower.effectSize()).isGreaterThan(0.7);

    MetricResult same =
        LatencyComparison.compare(
            "latency Get", latencies(random, 300, 0.010), latencies(random, 300, 0.010), S);
    assertThat(same.verdict()).isEqualTo(Verdict.PASS);
    assertThat(same.effectSize()).isBetween(0.4, 0.6);

    MetricResult faster =
        LatencyComparison.compare(
            "latency Get", latencies(random, 300, 0.005), latencies(random, 300, 0.010), S);
    assertThat(faster.verdict())
        .as("one-sided: a faster canary is no failure")
        .isEqualTo(Verdict.PASS);
  }

  @Test
  void latency_aTinySignificantShift_belowTheMinimumEffect_passes() {
    SplittableRandom random = new SplittableRandom(7);
    MetricResult result =
        LatencyComparison.compare(
            "latency Get", latencies(random, 20_000, 0.0103), latencies(random, 20_000, 0.010), S);
    assertThat(result.pValue()).as("significant with this much traffic").isLessThan(S.alpha());
    assertThat(result.verdict()).as("but 3% is below the minimum effect").isEqualTo(Verdict.PASS);
  }

  @Test
  void tooFewSamples_isInconclusive_neverAPass() {
    SplittableRandom random = new SplittableRandom(1);
    MetricResult latency =
        LatencyComparison.compare(
            "latency Get", latencies(random, 10, 0.010), latencies(random, 300, 0.010), S);
    MetricResult errs = ErrorComparison.compare("errors Get", 50, 0, 5000, 2, S);
    assertThat(latency.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(errs.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    IntervalResult interval =
        IntervalResult.of(
            1,
            List.of(
                latency,
                errs,
                LatencyComparison.compare(
                    "latency Put", latencies(random, 300, 0.01), latencies(random, 300, 0.01), S)),
            S);
    assertThat(interval.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(IntervalResult.of(2, List.of(), S).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void notFailing_isNotPassing_untilTheRiseIsBoundedBelowTheMargin() {
    // A 2% canary's unlucky draw: 3 errors in 400 calls is not significant, and not bounded either.
    MetricResult unlucky = ErrorComparison.compare("errors Get", 400, 3, 400, 0, S);
    assertThat(unlucky.pValue()).isGreaterThan(S.alpha());
    assertThat(unlucky.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(unlucky.detail()).contains("rise bounded by").contains("pass: < 1.00%");
    // The same ratio over more calls is a failure.
    assertThat(ErrorComparison.compare("errors Get", 4000, 30, 4000, 0, S).verdict())
        .isEqualTo(Verdict.FAIL);
    // A clean canary passes once its bound is under the margin: 300 calls cannot say (1.5%), 600
    // can.
    assertThat(ErrorComparison.compare("errors Get", 300, 0, 300, 0, S).verdict())
        .isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(ErrorComparison.compare("errors Get", 600, 0, 600, 0, S).verdict())
        .isEqualTo(Verdict.PASS);
    assertThat(ErrorComparison.upperBound(600, 0, 0.01))
        .as("Clopper-Pearson, zero errors: 1 - alpha^(1/n)")
        .isCloseTo(1 - Math.pow(0.01, 1.0 / 600), org.assertj.core.data.Offset.offset(1e-9));
    // Latency: identical sides on few samples wait; on many, pass.
    SplittableRandom random = new SplittableRandom(11);
    assertThat(
            LatencyComparison.compare(
                    "latency Get", latencies(random, 60, 0.01), latencies(random, 60, 0.01), S)
                .verdict())
        .isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(
            LatencyComparison.compare(
                    "latency Get", latencies(random, 2000, 0.01), latencies(random, 2000, 0.01), S)
                .verdict())
        .isEqualTo(Verdict.PASS);
  }

  @Test
  void aClearFailure_failsTheInterval_whileAnotherMetricIsStillInconclusive() {
    MetricResult slow = new MetricResult("latency Get", 80, 80, 1e-5, 0.7, "", Verdict.FAIL);
    MetricResult pass = new MetricResult("latency Put", 80, 80, 0.5, 0.5, "", Verdict.PASS);
    MetricResult waiting =
        new MetricResult("errors Get", 80, 80, Double.NaN, Double.NaN, "", Verdict.INCONCLUSIVE);
    IntervalResult failing = IntervalResult.of(1, List.of(slow, waiting), S);
    assertThat(failing.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(failing.score()).as("over the conclusive metrics").isZero();
    IntervalResult notYet = IntervalResult.of(2, List.of(pass, waiting), S);
    assertThat(notYet.verdict())
        .as("no pass with a metric unknown")
        .isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(notYet.score()).isEqualTo(1.0);
  }

  @Test
  void errors_twoPercent_fails_sameRatio_andZeroBaseline_pass() {
    SplittableRandom random = new SplittableRandom(3);
    MetricResult bad =
        ErrorComparison.compare(
            "errors Get", 2000, errors(random, 2000, 0.02), 2000, errors(random, 2000, 0.001), S);
    assertThat(bad.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(bad.effectSize()).isGreaterThan(0.01);

    MetricResult same = ErrorComparison.compare("errors Get", 2000, 2, 2000, 2, S);
    assertThat(same.verdict()).isEqualTo(Verdict.PASS);
    // One error on a canary whose baseline had none is no evidence of anything.
    assertThat(ErrorComparison.compare("errors Get", 2000, 1, 2000, 0, S).verdict())
        .isEqualTo(Verdict.PASS);
    assertThatThrownBy(() -> ErrorComparison.compare("errors Get", 10, 11, 10, 0, S))
        .hasMessageContaining("canary: 11 errors of 10 calls");
  }

  @Test
  void aaComparisons_rarelyFail_andNeverTwiceInARow_soNoCanaryIsRolledBack() {
    SplittableRandom random = new SplittableRandom(2026);
    int failingMetrics = 0;
    int metrics = 0;
    int rolledBack = 0;
    for (int canary = 0; canary < 20; canary++) {
      CanaryJudge judge = new CanaryJudge(S);
      CanaryJudge.Decision decision;
      int index = 0;
      do {
        List<MetricResult> results = new ArrayList<>();
        for (String method : List.of("Get", "Put", "List")) {
          results.add(
              LatencyComparison.compare(
                  "latency " + method,
                  latencies(random, 500, 0.01),
                  latencies(random, 500, 0.01),
                  S));
          // Enough calls for a pass to be possible: it needs the rise bounded, not just unproven.
          results.add(
              ErrorComparison.compare(
                  "errors " + method,
                  2000,
                  errors(random, 2000, 0.002),
                  2000,
                  errors(random, 2000, 0.002),
                  S));
        }
        failingMetrics += (int) results.stream().filter(r -> r.verdict() == Verdict.FAIL).count();
        metrics += results.size();
        decision = judge.add(IntervalResult.of(++index, results, S));
      } while (decision.action() == CanaryJudge.Action.CONTINUE);
      rolledBack += decision.action() == CanaryJudge.Action.ROLLBACK ? 1 : 0;
    }
    assertThat(rolledBack).as("A/A canaries rolled back").isZero();
    assertThat((double) failingMetrics / metrics).as("false failures per metric").isLessThan(0.02);
  }

  @Test
  void judge_rollsBackAfterConsecutiveFailures_promotesAfterPasses_failsSafeWithoutTraffic() {
    MetricResult pass = new MetricResult("m", 100, 100, 0.5, 0.5, "", Verdict.PASS);
    MetricResult fail = new MetricResult("m", 100, 100, 1e-9, 0.9, "", Verdict.FAIL);
    MetricResult none =
        new MetricResult("m", 3, 100, Double.NaN, Double.NaN, "", Verdict.INCONCLUSIVE);

    CanaryJudge flaky = new CanaryJudge(S);
    assertThat(flaky.add(IntervalResult.of(1, List.of(fail), S)).action())
        .isEqualTo(CanaryJudge.Action.CONTINUE);
    assertThat(flaky.add(IntervalResult.of(2, List.of(pass), S)).action())
        .isEqualTo(CanaryJudge.Action.CONTINUE);
    assertThat(flaky.add(IntervalResult.of(3, List.of(fail), S)).action())
        .isEqualTo(CanaryJudge.Action.CONTINUE);
    CanaryJudge.Decision down = flaky.add(IntervalResult.of(4, List.of(fail), S));
    assertThat(down.action()).isEqualTo(CanaryJudge.Action.ROLLBACK);
    assertThat(down.reason()).contains("2 consecutive failing intervals");
    assertThatThrownBy(() -> flaky.add(IntervalResult.of(5, List.of(pass), S)))
        .isInstanceOf(IllegalStateException.class);

    CanaryJudge good = new CanaryJudge(S);
    good.add(IntervalResult.of(1, List.of(pass), S));
    good.add(IntervalResult.of(2, List.of(none), S));
    good.add(IntervalResult.of(3, List.of(pass), S));
    assertThat(good.add(IntervalResult.of(4, List.of(pass), S)).action())
        .isEqualTo(CanaryJudge.Action.PROMOTE);

    CanaryJudge quiet = new CanaryJudge(S);
    CanaryJudge.Decision d = null;
    for (int i = 1; i <= S.maxIntervals(); i++) {
      d = quiet.add(IntervalResult.of(i, List.of(none), S));
    }
    assertThat(d.action()).isEqualTo(CanaryJudge.Action.ROLLBACK);
    assertThat(d.reason()).contains("fail safe");
  }

  @Test
  void score_isTheShareOfPassingMetrics_againstPassAndMarginalThresholds() {
    MetricResult pass = new MetricResult("m", 100, 100, 0.5, 0.5, "", Verdict.PASS);
    MetricResult fail = new MetricResult("m", 100, 100, 1e-9, 0.9, "", Verdict.FAIL);
    AnalysisSettings lenient =
        new AnalysisSettings(50, 200, 0.01, 0.6, 0.005, 0.95, 0.75, 2, 3, 10);
    List<MetricResult> fivePassOneFails = List.of(pass, pass, pass, pass, pass, fail);
    IntervalResult marginal = IntervalResult.of(1, fivePassOneFails, lenient);
    assertThat(marginal.score()).isEqualTo(5.0 / 6);
    assertThat(marginal.verdict()).isEqualTo(Verdict.MARGINAL);
    assertThat(IntervalResult.of(1, List.of(pass, fail), lenient).verdict())
        .isEqualTo(Verdict.FAIL);
    assertThat(IntervalResult.of(1, List.of(pass, pass), lenient).verdict())
        .isEqualTo(Verdict.PASS);
    assertThat(IntervalResult.of(1, fivePassOneFails, S).verdict())
        .as("the defaults: one failing metric fails")
        .isEqualTo(Verdict.FAIL);
    String report = AnalysisReport.format(marginal, new CanaryJudge(lenient).add(marginal));
    assertThat(report).contains("score 0.83", "MARGINAL", "p-value", "effect");
  }

  @Test
  void histogramBuckets_becomeOneSamplePerCall_thinnedInProportion() {
    Map<Double, Double> cumulative =
        Map.of(0.005, 10.0, 0.010, 30.0, 0.025, 39.6, Double.POSITIVE_INFINITY, 41.0);
    double[] samples = HistogramSamples.fromCumulative(cumulative, 1000);
    assertThat(samples).hasSize(41);
    assertThat(count(samples, 0.005)).isEqualTo(10);
    assertThat(count(samples, 0.010)).isEqualTo(20);
    assertThat(count(samples, 0.025))
        .as("10 in its bucket, the overflow's 1 at the largest finite bound")
        .isEqualTo(11);
    double[] thinned = HistogramSamples.fromCumulative(cumulative, 20);
    assertThat(thinned).hasSize(20);
    assertThat(count(thinned, 0.010)).isEqualTo(10);
    assertThat(HistogramSamples.fromCumulative(Map.of(), 10)).isEmpty();
  }

  private static long count(double[] samples, double value) {
    return java.util.Arrays.stream(samples).filter(x -> x == value).count();
  }
}
