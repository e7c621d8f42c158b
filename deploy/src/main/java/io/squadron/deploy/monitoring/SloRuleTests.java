package io.squadron.deploy.monitoring;

import static io.squadron.deploy.render.Documents.map;

import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code promtool test rules} cases for the {@link SloRules} of every service: three days of
 * synthetic traffic per case, shaped so that exactly the expected tiers fire at the end (and the
 * others provably do not). The shapes are set relative to each service's own budget, so they follow
 * its descriptor:
 *
 * <ul>
 *   <li>within budget (half of it all along), while another service fails every call: nothing
 *       fires;
 *   <li>20x the budget over the last hour: only the fast burn;
 *   <li>30x the budget for 50 minutes that ended 10 minutes ago: nothing (the 5-minute window has
 *       recovered);
 *   <li>8x the budget over the last 6 hours: only the slow burn;
 *   <li>1.5x the budget for 3 days: only the budget (ticket) tier.
 * </ul>
 *
 * Rules are evaluated once a day of test time (the alerts have no {@code for}, so only the
 * evaluation at the end matters): promtool's work drops from ~36 s of CPU to a few seconds.
 */
final class SloRuleTests {
  private static final int MINUTES = 3 * 24 * 60;
  private static final double CALLS_PER_MINUTE = 6000;
  private static final String OTHER_SERVICE = "unrelated-service";

  private SloRuleTests() {}

  /**
   * One traffic shape: {@code factor} times the budget during the minutes {@code from..to} before
   * the end.
   */
  private record Shape(
      String name, double factor, int fromMinutesAgo, int toMinutesAgo, BurnRate fires) {}

  private static final List<Shape> SHAPES =
      List.of(
          new Shape("within budget", 0.5, MINUTES, 0, null),
          new Shape("fast burn over the last hour", 20, 60, 0, BurnRate.FAST),
          new Shape("fast burn that ended 10 minutes ago", 30, 60, 10, null),
          new Shape("slow burn over the last 6 hours", 8, 360, 0, BurnRate.SLOW),
          new Shape("budget burn over 3 days", 1.5, MINUTES, 0, BurnRate.BUDGET));

  /** The test file, next to {@code rules/slo.yml} under {@code tests/}. */
  static Map<String, Object> tests(ServiceCatalog catalog) {
    List<Object> tests = new ArrayList<>();
    for (ServiceModule service : catalog.services()) {
      ServiceDescriptor d = service.descriptor();
      Histograms.Bucket bucket = Histograms.atOrBelow(d.slo().latencyThreshold());
      for (boolean availability : List.of(true, false)) {
        for (Shape shape : SHAPES) {
          tests.add(test(d, bucket, availability, shape));
        }
      }
    }
    return map(
        "rule_files", List.of("../rules/slo.yml"), "evaluation_interval", "1d", "tests", tests);
  }

  private static Map<String, Object> test(
      ServiceDescriptor d, Histograms.Bucket bucket, boolean availability, Shape shape) {
    String labels =
        "service=\""
            + d.name()
            + "\",grpc_service=\""
            + d.grpcServices().get(0)
            + "\",method=\"Call\",caller=\"client\"";
    List<Object> series = new ArrayList<>();
    double budget = availability ? d.slo().errorBudget() : d.slo().latencyBudget();
    double ratio = shape.factor() * budget;
    series.add(
        map(
            "series",
            SloRules.CALLS + "{" + labels + ",status=\"OK\"}",
            "values",
            counter(List.of(new Segment(MINUTES, CALLS_PER_MINUTE)))));
    if (availability) {
      // Errors over all calls: OK and INVALID_ARGUMENT calls, CALLS_PER_MINUTE each, plus the
      // errors themselves.
      double errorsPerMinute = ratio * 2 * CALLS_PER_MINUTE / (1 - ratio);
      series.add(
          map(
              "series",
              SloRules.CALLS + "{" + labels + ",status=\"UNAVAILABLE\"}",
              "values",
              counter(during(shape, errorsPerMinute, 0))));
      // Caller mistakes are not failures of the service.
      series.add(
          map(
              "series",
              SloRules.CALLS + "{" + labels + ",status=\"INVALID_ARGUMENT\"}",
              "values",
              counter(List.of(new Segment(MINUTES, CALLS_PER_MINUTE)))));
    } else {
      series.add(
          map(
              "series",
              SloRules.BUCKETS + "{" + labels + ",status=\"OK\",le=\"" + bucket.le() + "\"}",
              "values",
              counter(during(shape, CALLS_PER_MINUTE * (1 - ratio), CALLS_PER_MINUTE))));
      // Failures are slow here, and count against availability only.
      series.add(
          map(
              "series",
              SloRules.CALLS + "{" + labels + ",status=\"DEADLINE_EXCEEDED\"}",
              "values",
              counter(List.of(new Segment(MINUTES, 1)))));
      series.add(
          map(
              "series",
              SloRules.BUCKETS
                  + "{"
                  + labels
                  + ",status=\"DEADLINE_EXCEEDED\",le=\""
                  + bucket.le()
                  + "\"}",
              "values",
              counter(List.of(new Segment(MINUTES, 0)))));
    }
    if (shape.fires() == null) {
      series.add(
          map(
              "series",
              SloRules.CALLS + "{service=\"" + OTHER_SERVICE + "\",status=\"INTERNAL\"}",
              "values",
              counter(List.of(new Segment(MINUTES, CALLS_PER_MINUTE)))));
    }
    List<Object> alertTests = new ArrayList<>();
    for (BurnRate tier : BurnRate.ALL) {
      List<Object> expected = new ArrayList<>();
      if (tier.equals(shape.fires())) {
        expected.add(
            map(
                "exp_labels",
                SloRules.withService(d, SloRules.alertLabels(tier, availability)),
                "exp_annotations",
                SloRules.annotations(d, tier, availability, bucket)));
      }
      alertTests.add(
          map(
              "eval_time",
              "3d",
              "alertname",
              SloRules.alertName(tier, availability),
              "exp_alerts",
              expected));
    }
    return map(
        "name",
        d.name() + " " + (availability ? "availability" : "latency") + ": " + shape.name(),
        "interval",
        "1m",
        "input_series",
        series,
        "alert_rule_test",
        alertTests);
  }

  /** Constant increments per minute over {@code minutes} minutes. */
  private record Segment(int minutes, double perMinute) {}

  /** {@code inside} per minute during the shape's minutes, {@code outside} per minute otherwise. */
  private static List<Segment> during(Shape shape, double inside, double outside) {
    List<Segment> segments = new ArrayList<>();
    int before = MINUTES - shape.fromMinutesAgo();
    if (before > 0) {
      segments.add(new Segment(before, outside));
    }
    segments.add(new Segment(shape.fromMinutesAgo() - shape.toMinutesAgo(), inside));
    if (shape.toMinutesAgo() > 0) {
      segments.add(new Segment(shape.toMinutesAgo(), outside));
    }
    return segments;
  }

  /**
   * A counter starting at 0 with the segments' increments, in promtool's expanding notation: {@code
   * a+bxn} is the n+1 values a, a+b, ..., a+nb; later terms continue where the previous one
   * stopped.
   */
  private static String counter(List<Segment> segments) {
    StringBuilder values = new StringBuilder();
    double value = 0;
    boolean first = true;
    for (Segment s : segments) {
      if (first) {
        values.append("0+").append(num(s.perMinute())).append('x').append(s.minutes());
        first = false;
      } else {
        values
            .append(' ')
            .append(num(value + s.perMinute()))
            .append('+')
            .append(num(s.perMinute()))
            .append('x')
            .append(s.minutes() - 1);
      }
      value += s.minutes() * s.perMinute();
    }
    return values.toString();
  }

  private static String num(double v) {
    String s = String.format(Locale.ROOT, "%.4f", v);
    s = s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    return s;
  }
}
