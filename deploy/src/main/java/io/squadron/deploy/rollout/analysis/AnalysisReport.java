package io.squadron.deploy.rollout.analysis;

import java.util.Locale;

/**
 * The text a rollout step prints and saves per interval: per metric the samples, p-value, effect
 * and verdict.
 */
public final class AnalysisReport {
  private AnalysisReport() {}

  /** One interval as a table, with the judge's decision under it. */
  public static String format(IntervalResult interval, CanaryJudge.Decision decision) {
    StringBuilder out =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "interval %d: score %.2f, %s -> %s (%s)%n",
                interval.index(),
                interval.score(),
                interval.verdict(),
                decision.action(),
                decision.reason()));
    out.append(
        String.format(
            Locale.ROOT,
            "  %-36s %8s %8s %10s %8s  %-12s %s%n",
            "metric",
            "canary",
            "baseline",
            "p-value",
            "effect",
            "verdict",
            "detail"));
    for (MetricResult m : interval.metrics()) {
      out.append(
          String.format(
              Locale.ROOT,
              "  %-36s %8d %8d %10s %8s  %-12s %s%n",
              m.metric(),
              m.canarySamples(),
              m.baselineSamples(),
              Double.isNaN(m.pValue()) ? "-" : String.format(Locale.ROOT, "%.2e", m.pValue()),
              Double.isNaN(m.effectSize())
                  ? "-"
                  : String.format(Locale.ROOT, "%.3f", m.effectSize()),
              m.verdict(),
              m.detail()));
    }
    return out.toString();
  }
}
