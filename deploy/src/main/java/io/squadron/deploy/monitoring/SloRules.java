package io.squadron.deploy.monitoring;

import static io.squadron.deploy.render.Documents.map;

import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The SLO rules of every service, from its descriptor's {@code slo}, one rule group per service:
 * recording rules for its error ratio and its share of slow calls (its own histogram bucket) over 5
 * m, 30 m, 1 h, 6 h and 3 d, then six alerts: availability and latency, each in three {@link
 * BurnRate burn-rate} tiers.
 *
 * <p>Why generated per service and not written once over the {@code service} label: the objectives
 * differ per service (Padlock promises 99.95% and 15 ms, others 99.9% and 100 ms), and a latency
 * objective selects a histogram bucket by its exact {@code le} text, which differs with the
 * threshold. A service's alerts read only ratios its own group records, so within one evaluation
 * they never read a ratio another group has not written yet.
 */
final class SloRules {
  /**
   * Server-side failures: what counts against availability. Caller mistakes and refusals do not.
   */
  static final String SERVER_ERRORS =
      "UNKNOWN|INTERNAL|UNAVAILABLE|DATA_LOSS|DEADLINE_EXCEEDED|UNIMPLEMENTED";

  static final String CALLS = "squadron_rpc_server_duration_seconds_count";
  static final String BUCKETS = "squadron_rpc_server_duration_seconds_bucket";

  private SloRules() {}

  static String errorRatio(String window) {
    return "service:squadron_rpc_server_errors:ratio_rate" + window;
  }

  static String slowRatio(String window) {
    return "service:squadron_rpc_server_slow_calls:ratio_rate" + window;
  }

  /** The rule file: one group per service. */
  static Map<String, Object> rules(ServiceCatalog catalog) {
    List<Object> groups = new ArrayList<>();
    for (ServiceModule service : catalog.services()) {
      groups.add(
          map(
              "name",
              "squadron-slo-" + service.name(),
              "rules",
              serviceRules(service.descriptor())));
    }
    return map("groups", groups);
  }

  private static List<Object> serviceRules(ServiceDescriptor d) {
    Histograms.Bucket bucket = Histograms.atOrBelow(d.slo().latencyThreshold());
    String own = "service=\"" + d.name() + "\"";
    String sel = own + ",status=\"OK\"";
    List<Object> rules = new ArrayList<>();
    for (String w : BurnRate.WINDOWS) {
      // "or 0 * ...": with no failing call at all there is no error series; the ratio is 0, not
      // absent.
      rules.add(
          map(
              "record",
              errorRatio(w),
              "labels",
              map("service", d.name()),
              "expr",
              "(\n  sum by (service) (rate("
                  + CALLS
                  + "{"
                  + own
                  + ",status=~\""
                  + SERVER_ERRORS
                  + "\"}["
                  + w
                  + "]))\n"
                  + "  or\n  0 * sum by (service) (rate("
                  + CALLS
                  + "{"
                  + own
                  + "}["
                  + w
                  + "]))\n)\n/\n"
                  + "sum by (service) (rate("
                  + CALLS
                  + "{"
                  + own
                  + "}["
                  + w
                  + "]))\n"));
    }
    for (String w : BurnRate.WINDOWS) {
      rules.add(
          map(
              "record",
              slowRatio(w),
              "labels",
              map("service", d.name()),
              "expr",
              "1 - (\n  sum by (service) (rate("
                  + BUCKETS
                  + "{"
                  + sel
                  + ",le=\""
                  + bucket.le()
                  + "\"}["
                  + w
                  + "]))\n"
                  + "  /\n  sum by (service) (rate("
                  + CALLS
                  + "{"
                  + sel
                  + "}["
                  + w
                  + "]))\n)\n"));
    }
    for (BurnRate tier : BurnRate.ALL) {
      rules.add(alert(d, tier, true, bucket));
    }
    for (BurnRate tier : BurnRate.ALL) {
      rules.add(alert(d, tier, false, bucket));
    }
    return rules;
  }

  /** The name of the alert of {@code tier} for availability or latency. */
  static String alertName(BurnRate tier, boolean availability) {
    return "Slo" + (availability ? "Availability" : "Latency") + tier.name();
  }

  /** The labels the alert carries besides {@code alertname} and {@code service}. */
  static Map<String, Object> alertLabels(BurnRate tier, boolean availability) {
    return map(
        "severity",
        tier.severity(),
        "slo",
        availability ? "availability" : "latency",
        "window",
        tier.longWindow() + "/" + tier.shortWindow());
  }

  /**
   * The labels with {@code service} first. The expressions yield it already; as a static label it
   * also tells promtool's lint that the services' rules of one name are not duplicates.
   */
  static Map<String, Object> withService(ServiceDescriptor d, Map<String, Object> labels) {
    Map<String, Object> all = new java.util.LinkedHashMap<>();
    all.put("service", d.name());
    all.putAll(labels);
    return all;
  }

  /** The alert's annotations for service {@code d}. */
  static Map<String, Object> annotations(
      ServiceDescriptor d, BurnRate tier, boolean availability, Histograms.Bucket bucket) {
    ServiceDescriptor.Slo slo = d.slo();
    double budget = availability ? slo.errorBudget() : slo.latencyBudget();
    String what =
        availability
            ? "failed with a server error (" + SERVER_ERRORS.replace("|", ", ") + ")"
            : "of its successful calls took longer than "
                + millis(bucket.seconds())
                + " ms (the histogram bucket at or "
                + "below its "
                + slo.latencyThreshold().toMillis()
                + " ms threshold)";
    String objective =
        availability
            ? number(slo.availability()) + "% available"
            : number(slo.latencyTarget())
                + "% of successful calls under "
                + slo.latencyThreshold().toMillis()
                + " ms";
    return map(
        "summary",
            d.name()
                + " burns its "
                + (availability ? "availability" : "latency")
                + " error budget "
                + number(tier.factor())
                + "x too fast ("
                + tier.longWindow()
                + " and "
                + tier.shortWindow()
                + ")",
        "description",
            "Over the last "
                + tier.longWindow()
                + " and "
                + tier.shortWindow()
                + ", more than "
                + percent(tier.factor() * budget)
                + "% of "
                + d.name()
                + "'s calls "
                + what
                + ". Its SLO is "
                + objective
                + " over 30 days; at this rate the budget is gone in "
                + String.format(Locale.ROOT, "%.1f", tier.daysToExhaustion())
                + " days. Dashboard: squadron-service-"
                + d.name()
                + ".");
  }

  private static Map<String, Object> alert(
      ServiceDescriptor d, BurnRate tier, boolean availability, Histograms.Bucket bucket) {
    double budget = availability ? d.slo().errorBudget() : d.slo().latencyBudget();
    String threshold = "(" + number(tier.factor()) + " * " + number(budget) + ")";
    String sel = "{service=\"" + d.name() + "\"}";
    String longRatio =
        (availability ? errorRatio(tier.longWindow()) : slowRatio(tier.longWindow())) + sel;
    String shortRatio =
        (availability ? errorRatio(tier.shortWindow()) : slowRatio(tier.shortWindow())) + sel;
    return map(
        "alert",
        alertName(tier, availability),
        "expr",
        longRatio + " > " + threshold + "\nand\n" + shortRatio + " > " + threshold + "\n",
        "labels",
        withService(d, alertLabels(tier, availability)),
        "annotations",
        annotations(d, tier, availability, bucket));
  }

  /** A decimal without float noise or trailing zeros: 0.0005, 14.4, 6. */
  static String number(double v) {
    return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
  }

  private static String percent(double ratio) {
    return number(
        new BigDecimal(Double.toString(ratio * 100))
            .round(new java.math.MathContext(4))
            .doubleValue());
  }

  private static String millis(double seconds) {
    return String.format(Locale.ROOT, "%.2f", seconds * 1000);
  }
}
