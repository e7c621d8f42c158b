package io.squadron.els;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The relative circuit breaker's rule, as a pure function of the endpoints' decayed request counts.
 *
 * <p>Only endpoints in service (connected and not ejected) are judged, and they are judged against
 * each other. For endpoint {@code i} with decayed volume {@code V_i} and failure rate {@code f_i},
 * let {@code f_ref} be the failure rate of all the other endpoints in service taken together and
 * {@code f_ref+} the upper bound of its Wilson score interval (z = 2), a reference that is generous
 * when the others have few requests. Then {@code i} is an outlier when
 *
 * <pre>
 *   f_i >= failureRateMultiple * f_ref  and  f_i - f_ref >= minFailureRateDelta   (markedly worse)
 *   V_i * KL(f_i || f_ref+) >= ln(1 / significance)                              (and surely so)
 * </pre>
 *
 * where {@code KL} is the Kullback-Leibler divergence between two Bernoulli rates. {@code exp(-V
 * KL(f || p))} is the Chernoff bound of the chance that an endpoint failing at rate {@code p} shows
 * a failure rate of at least {@code f} over {@code V} requests; for {@code f = 1} it is exactly
 * {@code p^V}. So a few failures in a row are enough when the others hardly fail (3 of 3 when they
 * fail 1%), and many more are needed when the others fail often too. When every endpoint fails
 * alike, {@code f_i ~ f_ref} and none is ejected.
 *
 * <p>The rule is applied to two records of each endpoint: its decayed counts over the breaker
 * window (chronic failures), and every suffix of its last 64 outcomes (a sudden onset, which the
 * window's older successes would dilute for seconds). The largest evidence counts: over the
 * suffixes that is the generalized likelihood ratio test of a change (CUSUM). An endpoint back from
 * ejection is on probation until its first success, like the half-open state of a classic circuit
 * breaker: a failed probe ejects it again at once (if the others fail markedly less), since the
 * ejection already supplied the evidence. Outliers are ejected worst first while fewer than {@code
 * max(1, floor(n * maxEjectionPercent / 100))} are ejected.
 */
final class RelativeCircuitBreaker {

  private RelativeCircuitBreaker() {}

  /** A verdict on one endpoint. */
  static final class Verdict {
    final int index;
    final double failureRate;
    final double referenceRate;
    final double volume;

    /**
     * {@code V KL(f || f_ref+)}: the log of how unlikely this record is for an endpoint like the
     * others.
     */
    final double evidence;

    Verdict(int index, double failureRate, double referenceRate, double volume, double evidence) {
      this.index = index;
      this.failureRate = failureRate;
      this.referenceRate = referenceRate;
      this.volume = volume;
      this.evidence = evidence;
    }
  }

  /** What the breaker knows about one endpoint. */
  static final class Record {
    final double ok;
    final double fail;

    /** Outcomes of the last {@code recentCount} calls, newest in bit 0, 1 for a failure. */
    final long recentFailures;

    final int recentCount;
    final boolean ejected;

    /** READY: only connected endpoints are judged and serve as the reference. */
    final boolean connected;

    /** Back from ejection and no success since: a failed probe ejects it again. */
    final boolean probation;

    Record(
        double ok,
        double fail,
        long recentFailures,
        int recentCount,
        boolean ejected,
        boolean connected,
        boolean probation) {
      this.ok = ok;
      this.fail = fail;
      this.recentFailures = recentFailures;
      this.recentCount = recentCount;
      this.ejected = ejected;
      this.connected = connected;
      this.probation = probation;
    }
  }

  /** The outcome of one evaluation. */
  static final class Result {
    /** Endpoints to eject now, worst first. */
    final List<Verdict> eject;

    /** Endpoints judged and found healthy. */
    final List<Verdict> healthy;

    /** Outliers left in because of the ejection cap. */
    final List<Verdict> spared;

    Result(List<Verdict> eject, List<Verdict> healthy, List<Verdict> spared) {
      this.eject = eject;
      this.healthy = healthy;
      this.spared = spared;
    }
  }

  private static final double Z = 2.0;

  /**
   * Lower bound of the Wilson score interval of a proportion {@code p} observed over {@code n}
   * trials.
   */
  static double wilsonLower(double p, double n) {
    if (n <= 0) {
      return 0;
    }
    double z2 = Z * Z;
    double centre = p + z2 / (2 * n);
    double spread = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return Math.max(0, (centre - spread) / (1 + z2 / n));
  }

  /**
   * Upper bound of the Wilson score interval of a proportion {@code p} observed over {@code n}
   * trials.
   */
  static double wilsonUpper(double p, double n) {
    if (n <= 0) {
      return 1;
    }
    double z2 = Z * Z;
    double centre = p + z2 / (2 * n);
    double spread = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return Math.min(1, (centre + spread) / (1 + z2 / n));
  }

  /** Kullback-Leibler divergence of Bernoulli({@code f}) from Bernoulli({@code p}), in nats. */
  static double bernoulliKl(double f, double p) {
    if (p <= 0) {
      return f <= 0 ? 0 : Double.POSITIVE_INFINITY;
    }
    if (p >= 1) {
      return f >= 1 ? 0 : Double.POSITIVE_INFINITY;
    }
    double a = f <= 0 ? 0 : f * Math.log(f / p);
    double b = f >= 1 ? 0 : (1 - f) * Math.log((1 - f) / (1 - p));
    return Math.max(0, a + b);
  }

  private static boolean markedlyWorse(ElsConfig config, double f, double ref) {
    return f >= config.failureRateMultiple() * ref && f - ref >= config.minFailureRateDelta();
  }

  /** {@code V KL(f || refUpper)} when {@code f > refUpper}, else 0. */
  private static double evidence(double f, double volume, double refUpper) {
    return f > refUpper ? volume * bernoulliKl(f, refUpper) : 0;
  }

  /** The most endpoints that may be ejected at once out of {@code n}. */
  static int maxEjected(int n, int maxEjectionPercent) {
    if (n < 2 || maxEjectionPercent <= 0) {
      return 0;
    }
    return Math.max(1, n * maxEjectionPercent / 100);
  }

  /** Evaluates endpoints that have only decayed counts (no recent outcomes, none on probation). */
  static Result evaluate(
      ElsConfig config, double[] ok, double[] fail, boolean[] ejected, boolean[] connected) {
    Record[] records = new Record[ok.length];
    for (int i = 0; i < ok.length; i++) {
      records[i] = new Record(ok[i], fail[i], 0, 0, ejected[i], connected[i], false);
    }
    return evaluate(config, records);
  }

  /** Evaluates the endpoints. */
  static Result evaluate(ElsConfig config, Record[] records) {
    int n = records.length;
    double totalOk = 0;
    double totalFail = 0;
    int ejectedCount = 0;
    for (Record r : records) {
      if (r.ejected) {
        ejectedCount++;
      } else if (r.connected) {
        totalOk += r.ok;
        totalFail += r.fail;
      }
    }
    List<Verdict> outliers = new ArrayList<>();
    List<Verdict> healthy = new ArrayList<>();
    double threshold = Math.log(1 / config.significance());
    for (int i = 0; i < n; i++) {
      Record r = records[i];
      if (r.ejected || !r.connected) {
        continue;
      }
      double volume = r.ok + r.fail;
      double otherVolume = totalOk + totalFail - volume;
      if (otherVolume <= 0 || (volume < config.minRequestVolume() && r.recentCount == 0)) {
        continue;
      }
      double ref = Math.max(0, totalFail - r.fail) / otherVolume;
      double refUpper = wilsonUpper(ref, otherVolume);
      double f = volume > 0 ? r.fail / volume : 0;
      // The decayed record needs minRequestVolume; the last outcomes are whole calls and need none
      // (a single
      // failure decays below 1 before it is judged).
      double evidence =
          volume >= config.minRequestVolume() && markedlyWorse(config, f, ref)
              ? evidence(f, volume, refUpper)
              : 0;
      double worstRate = f;
      for (int m = 1; m <= r.recentCount; m++) {
        long mask = m == 64 ? -1L : (1L << m) - 1;
        double fm = Long.bitCount(r.recentFailures & mask) / (double) m;
        if (markedlyWorse(config, fm, ref)) {
          double e = evidence(fm, m, refUpper);
          if (e > evidence) {
            evidence = e;
            worstRate = fm;
          }
        }
      }
      boolean failedProbe =
          r.probation
              && r.recentCount > 0
              && Long.bitCount(
                      r.recentFailures & (r.recentCount == 64 ? -1L : (1L << r.recentCount) - 1))
                  == r.recentCount
              && markedlyWorse(config, 1.0, ref);
      Verdict v =
          new Verdict(
              i, failedProbe ? 1.0 : worstRate, ref, volume, failedProbe ? threshold : evidence);
      if (failedProbe || evidence >= threshold) {
        outliers.add(v);
      } else {
        healthy.add(v);
      }
    }
    outliers.sort(Comparator.comparingDouble((Verdict v) -> -v.evidence));
    int room = maxEjected(n, config.maxEjectionPercent()) - ejectedCount;
    List<Verdict> eject = new ArrayList<>();
    List<Verdict> spared = new ArrayList<>();
    for (Verdict v : outliers) {
      if (room > 0) {
        eject.add(v);
        room--;
      } else {
        spared.add(v);
      }
    }
    return new Result(eject, healthy, spared);
  }
}
