package io.squadron.els;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one client knows about one endpoint: time-decayed sums of its successes, failures and their
 * latencies, and its outstanding requests.
 *
 * <p>Forward exponential decay: a sample taken at time {@code t_k} counts {@code exp(-(now -
 * t_k)/tau)} at time {@code now}. Each sum is kept decayed to the time of its last update, so a
 * reader decays it the rest of the way with one factor. Writers (the tracers, on transport threads)
 * serialize on this object; readers (the picker) only read the volatile immutable {@link Snapshot},
 * so the pick path takes no lock.
 */
final class EndpointStats {

  /** The decayed sums at one instant; immutable. Latencies are in seconds. */
  static final class Snapshot {
    static final Snapshot EMPTY = new Snapshot(Long.MIN_VALUE, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    final long atNanos;
    final double okCount;
    final double okLatency;
    final double failCount;
    final double failLatency;
    final double breakerOk;
    final double breakerFail;

    /** Latency of all calls, decayed with the parallelism window: busy seconds (Little's law). */
    final double busy;

    /** The outcomes of the last {@link #recentCount} calls, newest in bit 0, 1 for a failure. */
    final long recentFailures;

    /** How many calls {@link #recentFailures} holds, at most 64. */
    final int recentCount;

    Snapshot(
        long atNanos,
        double okCount,
        double okLatency,
        double failCount,
        double failLatency,
        double breakerOk,
        double breakerFail,
        double busy,
        long recentFailures,
        int recentCount) {
      this.atNanos = atNanos;
      this.okCount = okCount;
      this.okLatency = okLatency;
      this.failCount = failCount;
      this.failLatency = failLatency;
      this.breakerOk = breakerOk;
      this.breakerFail = breakerFail;
      this.busy = busy;
      this.recentFailures = recentFailures;
      this.recentCount = recentCount;
    }

    /** Decay factor of the latency sums from {@code atNanos} to {@code now}. */
    double decay(long now, double tauNanos) {
      if (atNanos == Long.MIN_VALUE || now <= atNanos) {
        return 1.0;
      }
      return Math.exp(-(now - atNanos) / tauNanos);
    }
  }

  private final double tauNanos;
  private final double breakerTauNanos;
  private final double parallelismTauNanos;
  private final AtomicInteger outstanding = new AtomicInteger();

  /**
   * Sum of the start times of the outstanding calls: their mean age is a lower bound of their
   * latency.
   */
  private final AtomicLong outstandingStartSum = new AtomicLong();

  private volatile Snapshot snapshot = Snapshot.EMPTY;
  private volatile long historySince;

  EndpointStats(long tauNanos, long breakerTauNanos, long parallelismTauNanos, long nowNanos) {
    this.tauNanos = tauNanos;
    this.breakerTauNanos = breakerTauNanos;
    this.parallelismTauNanos = parallelismTauNanos;
    this.historySince = nowNanos;
  }

  /** When the busy-time history began (creation, or return from ejection). */
  long historySince() {
    return historySince;
  }

  double parallelismTauNanos() {
    return parallelismTauNanos;
  }

  double tauNanos() {
    return tauNanos;
  }

  double breakerTauNanos() {
    return breakerTauNanos;
  }

  Snapshot snapshot() {
    return snapshot;
  }

  int outstanding() {
    return outstanding.get();
  }

  /** Counts a call started at {@code startNanos} as outstanding. */
  void started(long startNanos) {
    outstandingStartSum.addAndGet(startNanos);
    outstanding.incrementAndGet();
  }

  /**
   * The mean time the outstanding calls have waited so far, seconds (0 without any): none of them
   * has a latency below its age, so a stalled endpoint shows at once, before any answer arrives.
   */
  double outstandingAge(long nowNanos) {
    int q = outstanding.get();
    if (q <= 0) {
      return 0;
    }
    return Math.max(0, (nowNanos - outstandingStartSum.get() / (double) q) / 1e9);
  }

  /**
   * Records the end of a call that was counted by {@link #started(long)} {@code latencyNanos} ago.
   */
  void finished(long nowNanos, long latencyNanos, Outcome outcome) {
    outstanding.decrementAndGet();
    outstandingStartSum.addAndGet(-(nowNanos - latencyNanos));
    if (outcome == Outcome.IGNORED) {
      return;
    }
    double latency = Math.max(0, latencyNanos) / 1e9;
    boolean ok = outcome == Outcome.SUCCESS;
    synchronized (this) {
      Snapshot s = snapshot;
      long at = Math.max(nowNanos, s.atNanos);
      double d = s.decay(at, tauNanos);
      double db = s.decay(at, breakerTauNanos);
      double dp = s.decay(at, parallelismTauNanos);
      snapshot =
          new Snapshot(
              at,
              s.okCount * d + (ok ? 1 : 0),
              s.okLatency * d + (ok ? latency : 0),
              s.failCount * d + (ok ? 0 : 1),
              s.failLatency * d + (ok ? 0 : latency),
              s.breakerOk * db + (ok ? 1 : 0),
              s.breakerFail * db + (ok ? 0 : 1),
              s.busy * dp + latency,
              (s.recentFailures << 1) | (ok ? 0 : 1),
              Math.min(64, s.recentCount + 1));
    }
  }

  /** Forgets the busy time (the endpoint reconnected: its concurrency history was interrupted). */
  void restartBusy(long nowNanos) {
    synchronized (this) {
      Snapshot s = snapshot;
      snapshot =
          new Snapshot(
              s.atNanos,
              s.okCount,
              s.okLatency,
              s.failCount,
              s.failLatency,
              s.breakerOk,
              s.breakerFail,
              0,
              s.recentFailures,
              s.recentCount);
      historySince = nowNanos;
    }
  }

  /**
   * Forgets the outcomes of the last calls (the endpoint reconnected: the calls that failed as its
   * old connection went down say nothing about the new one); the decayed sums stay.
   */
  void forgetRecent() {
    synchronized (this) {
      Snapshot s = snapshot;
      snapshot =
          new Snapshot(
              s.atNanos,
              s.okCount,
              s.okLatency,
              s.failCount,
              s.failLatency,
              s.breakerOk,
              s.breakerFail,
              s.busy,
              0,
              0);
    }
  }

  /**
   * Forgets the breaker's record (the endpoint is back from ejection and gets a fresh one, judged
   * on probation) and the busy time; the latency and success-rate sums just keep decaying.
   */
  void restart(long nowNanos) {
    synchronized (this) {
      Snapshot s = snapshot;
      snapshot =
          new Snapshot(
              s.atNanos, s.okCount, s.okLatency, s.failCount, s.failLatency, 0, 0, 0, 0, 0);
      historySince = nowNanos;
    }
  }

  /** How a call ended, as far as the statistics are concerned. */
  enum Outcome {
    SUCCESS,
    FAILURE,
    /** Cancelled by the caller: says nothing about the endpoint. */
    IGNORED
  }
}
