package io.squadron.els;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The relative circuit breaker's rule, as a pure function of the endpoints' decayed request counts.
 *
 * <p>Endpoint {@code i}, not ejected, with decayed volume {@code V_i >= minRequestVolume} and failure rate
 * {@code f_i}, is an outlier when, with {@code f_ref} the failure rate of all the other non-ejected endpoints
 * taken together (which must themselves have {@code minRequestVolume}) and {@code lo(f_i)} the lower bound of
 * the Wilson score interval of {@code f_i} over {@code V_i} requests at z = 2 (so a handful of requests only
 * counts when they fail almost all):
 * <pre>  lo(f_i) >= failureRateMultiple * f_ref  and  lo(f_i) - f_ref >= minFailureRateDelta</pre>
 * When every endpoint fails alike, {@code f_i ~ f_ref} and no one is ejected. Outliers are ejected worst first
 * while fewer than {@code max(1, floor(n * maxEjectionPercent / 100))} endpoints are ejected (with n >= 2).
 */
final class RelativeCircuitBreaker {

  private RelativeCircuitBreaker() {}

  /** A verdict on one endpoint. */
  static final class Verdict {
    final int index;
    final double failureRate;
    final double referenceRate;
    final double volume;

    Verdict(int index, double failureRate, double referenceRate, double volume) {
      this.index = index;
      this.failureRate = failureRate;
      this.referenceRate = referenceRate;
      this.volume = volume;
    }
  }

  /** The outcome of one evaluation. */
  static final class Result {
    /** Endpoints to eject now, worst first. */
    final List<Verdict> eject;
    /** Endpoints judged (enough volume) and found healthy. */
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

  /** Lower bound of the Wilson score interval of a proportion {@code p} observed over {@code n} trials. */
  static double wilsonLower(double p, double n) {
    double z2 = Z * Z;
    double centre = p + z2 / (2 * n);
    double spread = Z * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return Math.max(0, (centre - spread) / (1 + z2 / n));
  }

  /** The most endpoints that may be ejected at once out of {@code n}. */
  static int maxEjected(int n, int maxEjectionPercent) {
    if (n < 2 || maxEjectionPercent <= 0) {
      return 0;
    }
    return Math.max(1, n * maxEjectionPercent / 100);
  }

  /**
   * Evaluates the endpoints.
   *
   * @param ok decayed successes per endpoint
   * @param fail decayed failures per endpoint
   * @param ejected which endpoints are ejected already
   */
  static Result evaluate(ElsConfig config, double[] ok, double[] fail, boolean[] ejected) {
    int n = ok.length;
    double totalOk = 0;
    double totalFail = 0;
    int ejectedCount = 0;
    for (int i = 0; i < n; i++) {
      if (ejected[i]) {
        ejectedCount++;
      } else {
        totalOk += ok[i];
        totalFail += fail[i];
      }
    }
    List<Verdict> outliers = new ArrayList<>();
    List<Verdict> healthy = new ArrayList<>();
    double minVolume = config.minRequestVolume();
    for (int i = 0; i < n; i++) {
      if (ejected[i]) {
        continue;
      }
      double volume = ok[i] + fail[i];
      double otherVolume = totalOk + totalFail - volume;
      if (volume < minVolume || otherVolume < minVolume) {
        continue;
      }
      double f = fail[i] / volume;
      double ref = Math.max(0, totalFail - fail[i]) / otherVolume;
      Verdict v = new Verdict(i, f, ref, volume);
      double lo = wilsonLower(f, volume);
      if (lo >= config.failureRateMultiple() * ref && lo - ref >= config.minFailureRateDelta()) {
        outliers.add(v);
      } else {
        healthy.add(v);
      }
    }
    outliers.sort(Comparator.comparingDouble((Verdict v) -> v.referenceRate - v.failureRate));
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
