package io.squadron.deploy.rollout.analysis;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs the canary analysis of one canary step: after a warm-up (cold-start latency left out, as
 * Kayenta's warm-up does), every {@code interval}, the canary's and baseline's metrics since the
 * warm-up ended ({@link CanaryMetrics#compareBetween}: samples accumulate), scored ({@link
 * IntervalResult}) and judged ({@link CanaryJudge}) until the judge promotes or rolls back; each
 * interval's report ({@link AnalysisReport}) goes to {@code report}. An interval whose metrics
 * cannot be read (Prometheus down) is inconclusive: the analysis never passes without data.
 */
public final class CanaryAnalysis {
  /** Waits between intervals (tests and benchmarks may shorten or fake it). */
  @FunctionalInterface
  public interface Sleeper {
    /** Waits {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;
  }

  /**
   * How a canary's analysis ended.
   *
   * @param decision PROMOTE or ROLLBACK, with the reason
   * @param intervals every interval judged
   * @param elapsed from the start of the analysis to the decision
   */
  public record Outcome(
      CanaryJudge.Decision decision, List<IntervalResult> intervals, Duration elapsed) {
    public Outcome {
      requireNonNull(decision, "decision");
      intervals = List.copyOf(intervals);
      requireNonNull(elapsed, "elapsed");
    }

    /** Whether the canary passed. */
    public boolean promoted() {
      return decision.action() == CanaryJudge.Action.PROMOTE;
    }
  }

  /** What reads one interval's metrics; {@link CanaryMetrics#compareBetween} in a rollout. */
  @FunctionalInterface
  public interface MetricsSource {
    /** Every metric's comparison of the calls between {@code from} and {@code end}. */
    List<MetricResult> compare(Instant from, Instant end);
  }

  private final MetricsSource metrics;
  private final AnalysisSettings settings;
  private final Duration interval;
  private final Duration warmup;
  private final Clock clock;
  private final Sleeper sleeper;

  /**
   * Analyses every {@code interval} with {@code settings}' thresholds the calls made after {@code
   * warmup}.
   *
   * @throws IllegalArgumentException when the interval is not positive or the warm-up negative
   */
  public CanaryAnalysis(
      MetricsSource metrics,
      AnalysisSettings settings,
      Duration interval,
      Duration warmup,
      Clock clock,
      Sleeper sleeper) {
    this.metrics = requireNonNull(metrics, "metrics");
    this.settings = requireNonNull(settings, "settings");
    this.interval = requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval: " + interval + " (expected: > 0)");
    }
    this.warmup = requireNonNull(warmup, "warmup");
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
    }
    this.clock = requireNonNull(clock, "clock");
    this.sleeper = requireNonNull(sleeper, "sleeper");
  }

  /**
   * Analyses until a decision, sending each interval's report to {@code report}.
   *
   * @throws InterruptedException when interrupted while waiting for an interval (no decision)
   */
  public Outcome run(Consumer<String> report) throws InterruptedException {
    requireNonNull(report, "report");
    Instant start = clock.instant();
    if (!warmup.isZero()) {
      sleeper.sleep(warmup);
    }
    Instant from = clock.instant();
    CanaryJudge judge = new CanaryJudge(settings);
    for (int i = 1; ; i++) {
      sleeper.sleep(interval);
      List<MetricResult> results;
      String note = "";
      try {
        results = metrics.compare(from, clock.instant());
      } catch (RuntimeException e) {
        results = List.of();
        note = "  metrics could not be read (" + e.getMessage() + "): inconclusive\n";
      }
      IntervalResult result = IntervalResult.of(i, results, settings);
      CanaryJudge.Decision decision = judge.add(result);
      report.accept(AnalysisReport.format(result, decision) + note);
      if (decision.action() != CanaryJudge.Action.CONTINUE) {
        return new Outcome(decision, judge.intervals(), Duration.between(start, clock.instant()));
      }
    }
  }
}
