package io.squadron.journeys;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's tables: journeys by kind and outcome, and each step's count, failures, retries and
 * latency.
 */
final class JourneyReport {
  private JourneyReport() {}

  /** The latency at quantile {@code q} of {@code millis} (0 when empty). */
  static long quantile(long[] millis, double q) {
    if (millis.length == 0) {
      return 0;
    }
    long[] sorted = millis.clone();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  static void print(List<JourneyResult> results, PrintStream out) {
    out.printf(
        "%-10s %8s %8s %8s %10s %10s%n", "journey", "count", "ok", "failed", "p50_ms", "p99_ms");
    Map<String, List<JourneyResult>> byKind = new LinkedHashMap<>();
    for (JourneyResult r : results) {
      byKind.computeIfAbsent(r.kind(), k -> new java.util.ArrayList<>()).add(r);
    }
    byKind.put("all", results);
    byKind.forEach(
        (kind, rs) -> {
          long[] ms = rs.stream().mapToLong(JourneyResult::millis).toArray();
          long ok = rs.stream().filter(JourneyResult::ok).count();
          out.printf(
              Locale.ROOT,
              "%-10s %8d %8d %8d %10d %10d%n",
              kind,
              rs.size(),
              ok,
              rs.size() - ok,
              quantile(ms, 0.5),
              quantile(ms, 0.99));
        });
    out.println();
    out.printf(
        "%-16s %8s %8s %8s %10s %10s %10s%n",
        "step", "count", "failed", "retries", "p50_ms", "p99_ms", "max_ms");
    Map<String, List<JourneyResult.StepResult>> bySteps = new LinkedHashMap<>();
    for (JourneyResult r : results) {
      for (JourneyResult.StepResult s : r.steps()) {
        bySteps.computeIfAbsent(s.name(), k -> new java.util.ArrayList<>()).add(s);
      }
    }
    bySteps.forEach(
        (name, ss) -> {
          long[] ms = ss.stream().mapToLong(JourneyResult.StepResult::millis).toArray();
          Map<String, long[]> failures = new java.util.TreeMap<>();
          for (JourneyResult.StepResult s : ss) {
            if (!s.firstFailure().isEmpty()) {
              long[] f = failures.computeIfAbsent(s.firstFailure(), k -> new long[2]);
              f[0]++;
              f[1] = Math.max(f[1], s.firstFailureMillis());
            }
          }
          StringBuilder failed = new StringBuilder();
          failures.forEach(
              (code, f) ->
                  failed
                      .append(code)
                      .append(": ")
                      .append(f[0])
                      .append(", ")
                      .append(f[1])
                      .append(" ms; "));
          out.printf(
              Locale.ROOT,
              "%-16s %8d %8d %8d %10d %10d %10d  %s%n",
              name,
              ss.size(),
              ss.stream().filter(s -> !s.ok()).count(),
              ss.stream().mapToInt(JourneyResult.StepResult::retries).sum(),
              quantile(ms, 0.5),
              quantile(ms, 0.99),
              Arrays.stream(ms).max().orElse(0),
              failed);
        });
  }
}
