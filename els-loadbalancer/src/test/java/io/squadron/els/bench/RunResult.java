package io.squadron.els.bench;

import java.util.Map;

/** What one (scenario, policy) run measured. Latencies in milliseconds, of successful calls only. */
final class RunResult {
  final Scenario scenario;
  final String policy;
  final long sent;
  final long succeeded;
  final double p50;
  final double p99;
  final double p999;
  final double badShare;
  final Map<String, Long> failures;
  /** p99 over every call sent, a failed call counting as never answered (infinite when > 1% failed). */
  final double p99AllCalls;
  /** Share of requests to the bad endpoint per half second of the measured window. */
  double[] shareTimeline = new double[0];
  /** The longest the JVM was descheduled during the measured window (a 5 ms sleep that overslept). */
  final double maxStallMs;

  RunResult(Scenario scenario, String policy, long sent, long succeeded, double p50, double p99, double p999,
      double badShare, Map<String, Long> failures, double maxStallMs, double p99AllCalls) {
    this.scenario = scenario;
    this.policy = policy;
    this.sent = sent;
    this.succeeded = succeeded;
    this.p50 = p50;
    this.p99 = p99;
    this.p999 = p999;
    this.badShare = badShare;
    this.failures = failures;
    this.maxStallMs = maxStallMs;
    this.p99AllCalls = p99AllCalls;
  }

  double successRate() {
    return sent == 0 ? 0 : succeeded / (double) sent;
  }
}
