package io.squadron.els;

import java.util.Arrays;

/**
 * The ELS math: from each endpoint's decayed statistics to its expected latency and its weight.
 *
 * <p>For endpoint {@code i} at time {@code t}, with every sum decayed to {@code t} ({@code tau} =
 * decay time):
 *
 * <pre>
 *   prior (cluster, all endpoints): Ls* = sum okLatency / sum okCount,  Lf* = sum failLatency / sum failCount,
 *                                   p*  = sum okCount / sum (okCount + failCount)
 *   prior of region r, blended:     Ls*_r = (sum_r okLatency + k Ls*) / (sum_r okCount + k), same for Lf*_r, p*_r
 *   blended with prior weight k:    Ls  = (okLatency_i + k Ls*_r) / (okCount_i + k)
 *                                   Lf  = (failLatency_i + k Lf*_r) / (failCount_i + k)
 *                                   p   = (okCount_i + k p*_r) / (okCount_i + failCount_i + k)
 *   parallelism (Little's law):     P   = max(1, busy_i / (tauP (1 - exp(-age_i / tauP))))
 *   retry elsewhere:                R   = (1 + sum q / sum P) Ls*
 *   expected latency:               E   = max((1 + q_i / P) (p Ls + (1 - p) Lf) + (1 - p) R,  a_i)
 *   weight:                         w   = s_i p / E^beta
 * </pre>
 *
 * {@code busy_i} is the latency of all its calls decayed with its own parallelism window {@code
 * tauP}: the concurrency this client typically keeps on the endpoint, so a queue building up now
 * ({@code q_i > P}) shows at once. {@code age_i} is how long that history is (at least {@code
 * tau}), so a new endpoint is not judged narrow just because its window is not full yet. {@code
 * q_i} is the live count of outstanding requests, {@code s_i} the slow-start factor and {@code
 * beta} the latency exponent, {@code a_i} the mean age of the requests outstanding there (none of
 * them has a latency below its age, so an endpoint that stalls, or a cold one whose first answers
 * are slow, is seen before any answer comes back). The first term of {@code E} is one attempt
 * queued behind {@code q_i} requests on an endpoint that serves {@code P} at once; the second is
 * the retry elsewhere a failure costs, itself queued like an average request of the cluster.
 * Because the blend pulls every estimate back to its region's prior, and the region's back to the
 * cluster's, as the evidence decays, an endpoint that stopped getting traffic drifts back to
 * average and is probed again: nothing starves forever. The region level keeps what is common to a
 * region (the round trip to a far region) when one of its endpoints has no history of its own;
 * without regions there is one region and its prior is the cluster prior.
 */
final class ExpectedLatencyModel {

  /**
   * Used as the prior latency when no endpoint has any history yet (weights are relative, so any
   * value).
   */
  static final double NOMINAL_LATENCY_SECONDS = 0.001;

  private static final double MIN_LATENCY_SECONDS = 1e-6;

  private final ElsConfig config;

  ExpectedLatencyModel(ElsConfig config) {
    this.config = config;
  }

  ElsConfig config() {
    return config;
  }

  /**
   * Computes the expected latency (seconds) and weight of each endpoint.
   *
   * @param stats the endpoints' statistics
   * @param slowStartSince when each endpoint's slow start began (nanos on the same clock as {@code
   *     now})
   * @param expected out: expected latency per endpoint, seconds; may be null
   * @param weights out: weight per endpoint (not normalized)
   * @return the sum of the weights
   */
  double compute(
      long now, EndpointStats[] stats, long[] slowStartSince, double[] expected, double[] weights) {
    return compute(now, stats, slowStartSince, null, 1, expected, weights);
  }

  /**
   * Computes the expected latency (seconds) and weight of each endpoint, with per-region priors.
   *
   * @param region region index of each endpoint, in {@code [0, regions)}; null when there are no
   *     regions
   * @param regions the number of distinct regions
   */
  double compute(
      long now,
      EndpointStats[] stats,
      long[] slowStartSince,
      int[] region,
      int regions,
      double[] expected,
      double[] weights) {
    return compute(now, stats, slowStartSince, region, regions, expected, null, null, weights);
  }

  /**
   * Computes the expected latency, effective latency and weight of each endpoint, and each region's
   * prior success latency.
   *
   * @param effective out, may be null: {@code E / p^(1/beta)}, the latency that alone would give
   *     the weight (without slow start): the measure to compare endpoints by, failures included
   * @param regionLatency out, may be null: {@code Ls*_r} per region, seconds
   */
  double compute(
      long now,
      EndpointStats[] stats,
      long[] slowStartSince,
      int[] region,
      int regions,
      double[] expected,
      double[] effective,
      double[] regionLatency,
      double[] weights) {
    int n = stats.length;
    double tau = stats.length == 0 ? 1 : stats[0].tauNanos();
    double sumOkC = 0;
    double sumOkL = 0;
    double sumFailC = 0;
    double sumFailL = 0;
    EndpointStats.Snapshot[] snaps = new EndpointStats.Snapshot[n];
    double[] decay = new double[n];
    for (int i = 0; i < n; i++) {
      EndpointStats.Snapshot s = stats[i].snapshot();
      double d = s.decay(now, tau);
      snaps[i] = s;
      decay[i] = d;
      sumOkC += s.okCount * d;
      sumOkL += s.okLatency * d;
      sumFailC += s.failCount * d;
      sumFailL += s.failLatency * d;
    }
    double priorLs =
        sumOkC > 1e-9
            ? sumOkL / sumOkC
            : (sumFailC > 1e-9 ? sumFailL / sumFailC : NOMINAL_LATENCY_SECONDS);
    priorLs = Math.max(priorLs, MIN_LATENCY_SECONDS);
    double priorLf = sumFailC > 1e-9 ? sumFailL / sumFailC : priorLs;
    double priorP = sumOkC + sumFailC > 1e-9 ? sumOkC / (sumOkC + sumFailC) : 1.0;
    double k = config.priorWeight();
    double[] regionLs = new double[regions];
    double[] regionLf = new double[regions];
    double[] regionP = new double[regions];
    if (region == null || regions == 1) {
      Arrays.fill(regionLs, priorLs);
      Arrays.fill(regionLf, priorLf);
      Arrays.fill(regionP, priorP);
    } else {
      double[] rOkC = new double[regions];
      double[] rOkL = new double[regions];
      double[] rFailC = new double[regions];
      double[] rFailL = new double[regions];
      for (int i = 0; i < n; i++) {
        int r = region[i];
        rOkC[r] += snaps[i].okCount * decay[i];
        rOkL[r] += snaps[i].okLatency * decay[i];
        rFailC[r] += snaps[i].failCount * decay[i];
        rFailL[r] += snaps[i].failLatency * decay[i];
      }
      for (int r = 0; r < regions; r++) {
        regionLs[r] = (rOkL[r] + k * priorLs) / (rOkC[r] + k);
        regionLf[r] = (rFailL[r] + k * priorLf) / (rFailC[r] + k);
        regionP[r] = (rOkC[r] + k * priorP) / (rOkC[r] + rFailC[r] + k);
      }
    }
    double beta = config.latencyExponent();
    double tauP = stats.length == 0 ? 1 : stats[0].parallelismTauNanos();
    if (regionLatency != null) {
      System.arraycopy(regionLs, 0, regionLatency, 0, regions);
    }
    double sumQ = 0;
    double sumP = 0;
    int[] outstanding = new int[n];
    double[] parallelism = new double[n];
    for (int i = 0; i < n; i++) {
      outstanding[i] = stats[i].outstanding();
      double age = Math.max(tau, now - stats[i].historySince());
      double window = tauP * -Math.expm1(-age / tauP) / 1e9;
      parallelism[i] = Math.max(1.0, snaps[i].busy * snaps[i].decay(now, tauP) / window);
      sumQ += outstanding[i];
      sumP += parallelism[i];
    }
    double retry = n == 0 ? priorLs : (1 + sumQ / sumP) * priorLs;
    double total = 0;
    for (int i = 0; i < n; i++) {
      EndpointStats.Snapshot s = snaps[i];
      double d = decay[i];
      double okC = s.okCount * d;
      double okL = s.okLatency * d;
      double failC = s.failCount * d;
      double failL = s.failLatency * d;
      int r = region == null ? 0 : region[i];
      double ls = (okL + k * regionLs[r]) / (okC + k);
      double lf = (failL + k * regionLf[r]) / (failC + k);
      double p = (okC + k * regionP[r]) / (okC + failC + k);
      double e =
          Math.max(
              expectedLatency(outstanding[i], parallelism[i], p, ls, lf, retry),
              stats[i].outstandingAge(now));
      double w = slowStartFactor(now, slowStartSince[i]) * p / Math.pow(e, beta);
      if (expected != null) {
        expected[i] = e;
      }
      if (effective != null) {
        effective[i] = e / Math.pow(p, 1 / beta);
      }
      weights[i] = w;
      total += w;
    }
    return total;
  }

  /** {@code E = (1 + q/P)(p Ls + (1-p) Lf) + (1-p) Lretry}, at least one microsecond. */
  static double expectedLatency(
      int outstanding,
      double parallelism,
      double successRate,
      double successLatency,
      double failureLatency,
      double retryLatency) {
    double attempt = successRate * successLatency + (1 - successRate) * failureLatency;
    double e = (1 + outstanding / parallelism) * attempt + (1 - successRate) * retryLatency;
    return Math.max(e, MIN_LATENCY_SECONDS);
  }

  /** Linear ramp from the minimum factor to 1 over the slow-start window. */
  double slowStartFactor(long now, long since) {
    long window = config.slowStartWindowNanos();
    if (window <= 0 || since == Long.MIN_VALUE) {
      return 1.0;
    }
    long age = now - since;
    if (age >= window) {
      return 1.0;
    }
    double min = config.slowStartMinFactor();
    return min + (1 - min) * Math.max(0, age) / (double) window;
  }
}
