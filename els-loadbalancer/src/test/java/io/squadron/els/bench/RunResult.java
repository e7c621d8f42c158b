package io.squadron.els.bench;

import java.util.Map;

/** What one (scenario, policy) run measured. Latencies in milliseconds. */
final class RunResult {
  final Scenario scenario;
  final String policy;
  final long sent;
  final long succeeded;

  /** p50 and p99 of successful calls only. */
  final double p50;

  final double p99;

  /**
   * p99 and p99.9 over every call sent, a failed call counting as the deadline (never answered in
   * time).
   */
  final double p99All;

  final double p999All;

  /** Share of requests to the bad endpoint, or across regions in the region scenarios. */
  final double badShare;

  final Map<String, Long> failures;

  /**
   * Requests the killed endpoint(s) held (in service or queued) when killed: lost with the process.
   */
  final long heldAtKill;

  /**
   * Share of requests to the bad endpoint (or across regions) per half second of the measured
   * window.
   */
  double[] shareTimeline = new double[0];

  /**
   * A 95% interval of {@link #p99All} from the order statistics of the calls sent (distribution
   * free): with n calls, the rank of the true p99 among them is binomial, so the interval runs from
   * rank {@code 0.99 n - 1.96 sqrt(0.0099 n)} to {@code 0.99 n + 1.96 sqrt(0.0099 n)}. With 1,600
   * calls that is from the 24th to the 8th slowest call.
   */
  double p99AllLow = Double.NaN;

  double p99AllHigh = Double.NaN;

  /**
   * The longest the JVM was descheduled during the measured window (a 5 ms sleep that overslept).
   */
  final double maxStallMs;

  RunResult(
      Scenario scenario,
      String policy,
      long sent,
      long succeeded,
      double p50,
      double p99,
      double p99All,
      double p999All,
      double badShare,
      Map<String, Long> failures,
      long heldAtKill,
      double maxStallMs) {
    this.scenario = scenario;
    this.policy = policy;
    this.sent = sent;
    this.succeeded = succeeded;
    this.p50 = p50;
    this.p99 = p99;
    this.p99All = p99All;
    this.p999All = p999All;
    this.badShare = badShare;
    this.failures = failures;
    this.heldAtKill = heldAtKill;
    this.maxStallMs = maxStallMs;
  }

  double successRate() {
    return sent == 0 ? 0 : succeeded / (double) sent;
  }
}
