package io.squadron.els.bench;

import java.util.List;
import java.util.Locale;

/**
 * Draws the benchmark as an SVG: p99 over all calls (log scale; a failure counts as the deadline)
 * and success rate per scenario, one bar per policy.
 */
final class Chart {

  private static final String[] COLORS = {
    "#d62728", "#ff9896", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#7f7f7f", "#17becf"
  };
  private static final int WIDTH = 1500;
  private static final int PANEL = 260;
  private static final int LEFT = 70;
  private static final int TOP = 40;

  private Chart() {}

  static String svg(List<RunResult> results, List<String> policies) {
    Scenario[] scenarios =
        results.stream().map(r -> r.scenario).distinct().toArray(Scenario[]::new);
    List<Scenario> order = List.of(scenarios);
    StringBuilder sb = new StringBuilder();
    int height = TOP + 2 * PANEL + 110;
    sb.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                + "font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n",
            WIDTH,
            height));
    sb.append(
        "<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">ELS vs other policies: "
            + "p99 over all calls (log scale; a failure counts as the 2 s deadline) and success rate, per scenario"
            + "</text>\n");
    double groupWidth = (WIDTH - LEFT - 20) / (double) scenarios.length;
    double barWidth = (groupWidth - 16) / policies.size();
    // Panel 1: p99, log10 scale from 50 ms to 3 s (bars below 50 ms are empty).
    int p1Top = TOP;
    double lo = Math.log10(50);
    double hi = Math.log10(3000);
    axis(
        sb,
        p1Top,
        new double[] {50, 100, 200, 500, 1000, 2000},
        v -> String.format(Locale.ROOT, "%.0f ms", v),
        v -> (Math.log10(v) - lo) / (hi - lo));
    for (RunResult r : results) {
      int si = order.indexOf(r.scenario);
      int pi = Math.max(0, policies.indexOf(r.policy));
      double v = Double.isNaN(r.p99All) ? 50 : Math.max(50, r.p99All);
      double frac = (Math.log10(v) - lo) / (hi - lo);
      bar(
          sb,
          si,
          pi,
          groupWidth,
          barWidth,
          p1Top,
          frac,
          String.format(
              Locale.ROOT, "%s %s p99 all %.1f ms", r.scenario.label(), r.policy, r.p99All));
    }
    // Panel 2: success rate, linear from 80% to 100%.
    int p2Top = TOP + PANEL + 30;
    axis(
        sb,
        p2Top,
        new double[] {80, 85, 90, 95, 100},
        v -> String.format(Locale.ROOT, "%.0f%%", v),
        v -> (v - 80) / 20);
    for (RunResult r : results) {
      int si = order.indexOf(r.scenario);
      int pi = Math.max(0, policies.indexOf(r.policy));
      double frac = Math.max(0, (100 * r.successRate() - 80) / 20);
      bar(
          sb,
          si,
          pi,
          groupWidth,
          barWidth,
          p2Top,
          frac,
          String.format(
              Locale.ROOT,
              "%s %s success %.3f%%",
              r.scenario.label(),
              r.policy,
              100 * r.successRate()));
    }
    for (int si = 0; si < scenarios.length; si++) {
      double x = LEFT + si * groupWidth + groupWidth / 2;
      sb.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              x,
              p2Top + PANEL - 20 + 18,
              scenarios[si].label()));
    }
    int ly = height - 30;
    for (int pi = 0; pi < policies.size(); pi++) {
      int x = LEFT + pi * 140;
      sb.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                  + "<text x=\"%d\" y=\"%d\">%s</text>%n",
              x,
              ly,
              COLORS[pi % COLORS.length],
              x + 16,
              ly + 11,
              policies.get(pi)));
    }
    sb.append("</svg>\n");
    return sb.toString();
  }

  private static void axis(
      StringBuilder sb,
      int top,
      double[] ticks,
      java.util.function.DoubleFunction<String> label,
      java.util.function.DoubleUnaryOperator frac) {
    int plot = PANEL - 20;
    for (double t : ticks) {
      double y = top + plot - frac.applyAsDouble(t) * plot;
      sb.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
              LEFT,
              y,
              WIDTH - 20,
              y,
              LEFT - 6,
              y + 4,
              label.apply(t)));
    }
  }

  private static void bar(
      StringBuilder sb,
      int si,
      int pi,
      double groupWidth,
      double barWidth,
      int top,
      double frac,
      String title) {
    int plot = PANEL - 20;
    double f = Math.max(0, Math.min(1, frac));
    double x = LEFT + si * groupWidth + 8 + pi * barWidth;
    double h = f * plot;
    sb.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                + "fill=\"%s\"><title>%s</title></rect>%n",
            x,
            top + plot - h,
            barWidth - 2,
            h,
            COLORS[pi % COLORS.length],
            title));
  }
}
