package io.squadron.deploy.monitoring;

import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.migration.Phase;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Grafana dashboards, from the descriptors: an overview of every service, one dashboard per
 * service (traffic, errors, duration, its SLO burn rates, rate limits and permission denials, each
 * service it calls with ELS's view of the endpoints, its store migration's phase, and the rows of
 * its own {@value ServicePanels#FILE}), ELS across the platform, and rate limits across the
 * platform.
 *
 * <p>Every query is built to answer as soon as a service has had traffic, including when nothing
 * failed: ratios and rejection rates fall back to 0 ({@code or 0 * ...}) instead of "no data", so
 * an empty panel always means something is wrong. A test runs every query against a live Prometheus
 * scraping a running platform.
 */
final class Dashboards {
  static final String CALLS = SloRules.CALLS;
  static final String BUCKETS = SloRules.BUCKETS;
  static final String CLIENT_CALLS = "squadron_rpc_client_duration_seconds_count";
  static final String CLIENT_BUCKETS = "squadron_rpc_client_duration_seconds_bucket";
  static final String RATE_LIMITED = "squadron_rpc_server_rate_limited_total";
  static final String DENIED = "squadron_rpc_server_denied_total";

  private Dashboards() {}

  /** Every dashboard's JSON document, by file name. */
  static Map<String, Map<String, Object>> generate(ServiceCatalog catalog, Path home) {
    Map<String, Map<String, Object>> dashboards = new LinkedHashMap<>();
    dashboards.put(
        "squadron-overview.json",
        GrafanaJson.dashboard(
            "squadron-overview",
            "Squadron / overview",
            "Every service of the platform: traffic, server errors, latency, instances, SLO burn.",
            overview(catalog)));
    for (ServiceModule service : catalog.services()) {
      ServiceDescriptor d = service.descriptor();
      List<Panel.Row> rows = new ArrayList<>(serviceRows(d));
      rows.addAll(
          ServicePanels.read(
              home.resolve(service.moduleDir())
                  .resolve("src/main/resources")
                  .resolve(ServicePanels.FILE)));
      dashboards.put(
          "squadron-service-" + d.name() + ".json",
          GrafanaJson.dashboard(
              "squadron-service-" + d.name(), "Squadron / " + d.name(), d.description(), rows));
    }
    if (catalog.services().stream().anyMatch(s -> !s.descriptor().calls().isEmpty())) {
      dashboards.put(
          "squadron-els.json",
          GrafanaJson.dashboard(
              "squadron-els",
              "Squadron / ELS load balancing",
              "Each client's view of the endpoints it balances over: weights, expected latency, ejections.",
              els()));
    }
    dashboards.put(
        "squadron-rate-limits.json",
        GrafanaJson.dashboard(
            "squadron-rate-limits",
            "Squadron / rate limits and permissions",
            "Calls rejected over a (caller, method) token bucket, and "
                + "permission denials, across the platform. Limits are per instance.",
            rateLimits()));
    return dashboards;
  }

  private static String errorRatio(String by, String selector, String window) {
    return "(\n  sum by ("
        + by
        + ") (rate("
        + CALLS
        + "{"
        + join(selector, "status=~\"" + SloRules.SERVER_ERRORS + "\"")
        + "}["
        + window
        + "]))\n  or\n  0 * sum by ("
        + by
        + ") (rate("
        + CALLS
        + "{"
        + selector
        + "}["
        + window
        + "]))\n)\n/\nsum by ("
        + by
        + ") (rate("
        + CALLS
        + "{"
        + selector
        + "}["
        + window
        + "]))";
  }

  /**
   * {@code rate(metric)} by labels, or 0 for every (labels) that had calls when the counter has no
   * series yet.
   */
  private static String orZero(String counter, String selector, String by) {
    return "sum by ("
        + by
        + ") (rate("
        + counter
        + "{"
        + selector
        + "}[1m]))\nor\n0 * sum by ("
        + by
        + ") (rate("
        + CALLS
        + "{"
        + selector
        + "}[1m]))";
  }

  private static String join(String a, String b) {
    return a.isEmpty() ? b : a + "," + b;
  }

  private static List<Panel.Row> overview(ServiceCatalog catalog) {
    List<Panel.Row> rows = new ArrayList<>();
    rows.add(
        new Panel.Row(
            "Services",
            List.of(
                Panel.graph(
                    "Requests per second",
                    "Calls received, by service (all methods, callers and statuses).",
                    "reqps",
                    "sum by (service) (rate(" + CALLS + "[1m]))",
                    "{{service}}"),
                Panel.graph(
                    "Server-error ratio (5m)",
                    "Share of calls failing with a server error ("
                        + SloRules.SERVER_ERRORS.replace("|", ", ")
                        + "), from the SLO recording rules.",
                    "percentunit",
                    SloRules.errorRatio("5m"),
                    "{{service}}"),
                Panel.graph(
                    "p99 duration",
                    "99th percentile of call duration, by service.",
                    "s",
                    "histogram_quantile(0.99, sum by (service, le) (rate(" + BUCKETS + "[1m])))",
                    "{{service}}"),
                Panel.graph(
                    "Instances up",
                    "Instances Prometheus scrapes successfully, by service.",
                    "short",
                    "sum by (service) (up{job=\"squadron\"})",
                    "{{service}}"))));
    List<Panel.Query> availability = new ArrayList<>();
    List<Panel.Query> latency = new ArrayList<>();
    for (ServiceModule s : catalog.services()) {
      ServiceDescriptor.Slo slo = s.descriptor().slo();
      availability.add(
          new Panel.Query(
              SloRules.errorRatio("1h")
                  + "{service=\""
                  + s.name()
                  + "\"} / "
                  + SloRules.number(slo.errorBudget()),
              s.name()));
      latency.add(
          new Panel.Query(
              SloRules.slowRatio("1h")
                  + "{service=\""
                  + s.name()
                  + "\"} / "
                  + SloRules.number(slo.latencyBudget()),
              s.name()));
    }
    rows.add(
        new Panel.Row(
            "SLO burn rate over 1h (1 = the 30-day budget lasts 30 days; pages at 14.4)",
            List.of(
                new Panel(
                    "Availability burn rate (1h)",
                    "Server-error ratio over the hour divided by each service's error " + "budget.",
                    "short",
                    "timeseries",
                    availability),
                new Panel(
                    "Latency burn rate (1h)",
                    "Share of successful calls slower than each service's threshold, "
                        + "divided by its latency budget.",
                    "short",
                    "timeseries",
                    latency))));
    List<Panel.Query> migrations =
        catalog.services().stream()
            .filter(s -> s.descriptor().storeMigration().isPresent())
            .map(
                s ->
                    new Panel.Query(
                        "max by (service, migration) (migration_phase{service=\""
                            + s.name()
                            + "\"})",
                        "{{service}} {{migration}}"))
            .toList();
    if (!migrations.isEmpty()) {
      rows.add(
          new Panel.Row(
              "Store migrations",
              List.of(new Panel("Migration phase", phaseLegend(), "short", "stat", migrations))));
    }
    return rows;
  }

  private static List<Panel.Row> serviceRows(ServiceDescriptor d) {
    String own = "service=\"" + d.name() + "\"";
    List<Panel.Row> rows = new ArrayList<>();
    rows.add(
        new Panel.Row(
            "Traffic",
            List.of(
                Panel.graph(
                    "Requests per second by method",
                    "Calls received.",
                    "reqps",
                    "sum by (grpc_service, method) (rate(" + CALLS + "{" + own + "}[1m]))",
                    "{{method}}"),
                Panel.graph(
                    "Requests per second by status",
                    "gRPC status codes of the calls.",
                    "reqps",
                    "sum by (status) (rate(" + CALLS + "{" + own + "}[1m]))",
                    "{{status}}"),
                Panel.graph(
                    "Requests per second by caller",
                    "Callers: services (mTLS identity) and app:<name>.",
                    "reqps",
                    "sum by (caller) (rate(" + CALLS + "{" + own + "}[1m]))",
                    "{{caller}}"),
                Panel.graph(
                    "Requests per second by instance",
                    "Per instance, with its region, group and version.",
                    "reqps",
                    "sum by (instance, region, group, version) (rate("
                        + CALLS
                        + "{"
                        + own
                        + "}[1m]))",
                    "{{instance}} {{region}} {{group}} {{version}}"))));
    rows.add(
        new Panel.Row(
            "Errors",
            List.of(
                Panel.graph(
                    "Server-error ratio by method",
                    "Share of calls failing with "
                        + SloRules.SERVER_ERRORS.replace("|", ", ")
                        + ".",
                    "percentunit",
                    errorRatio("method", own, "1m"),
                    "{{method}}"),
                Panel.graph(
                    "Non-OK calls by method and status",
                    "Every status but OK, caller mistakes included.",
                    "reqps",
                    "sum by (method, status) (rate("
                        + CALLS
                        + "{"
                        + own
                        + ",status!=\"OK\"}[1m]))\nor\n0 * sum by (method) "
                        + "(rate("
                        + CALLS
                        + "{"
                        + own
                        + "}[1m]))",
                    "{{method}} {{status}}"))));
    rows.add(
        new Panel.Row(
            "Duration",
            List.of(
                new Panel(
                    "Duration percentiles",
                    "All methods, from the histograms of every instance.",
                    "s",
                    "timeseries",
                    List.of(
                        new Panel.Query(quantile(0.5, "le", own), "p50"),
                        new Panel.Query(quantile(0.9, "le", own), "p90"),
                        new Panel.Query(quantile(0.99, "le", own), "p99"))),
                Panel.graph(
                    "p99 duration by method",
                    "99th percentile per method.",
                    "s",
                    quantile(0.99, "method, le", own),
                    "{{method}}"),
                Panel.graph(
                    "Calls in flight by method",
                    "Calls being handled now, summed over instances.",
                    "short",
                    "sum by (method) (squadron_rpc_server_in_flight{" + own + "})",
                    "{{method}}"))));
    ServiceDescriptor.Slo slo = d.slo();
    String errorBudget = SloRules.number(slo.errorBudget());
    String latencyBudget = SloRules.number(slo.latencyBudget());
    rows.add(
        new Panel.Row(
            "SLO: "
                + SloRules.number(slo.availability())
                + "% available, "
                + SloRules.number(slo.latencyTarget())
                + "% of successful calls under "
                + slo.latencyThreshold().toMillis()
                + " ms (burn rate 1 = the 30-day budget lasts 30 days)",
            List.of(
                new Panel(
                    "Availability burn rate",
                    "Server-error ratio / error budget ("
                        + errorBudget
                        + "). Pages at 14.4 "
                        + "over 1h and 5m, or 6 over 6h and 30m; a ticket at 1 over 3d and 6h.",
                    "short",
                    "timeseries",
                    burn(SloRules::errorRatio, own, errorBudget)),
                new Panel(
                    "Latency burn rate",
                    "Slow-call share / latency budget (" + latencyBudget + "). Same tiers.",
                    "short",
                    "timeseries",
                    burn(SloRules::slowRatio, own, latencyBudget)))));
    rows.add(
        new Panel.Row(
            "Rate limits and permissions",
            List.of(
                Panel.graph(
                    "Rejected over the rate limit",
                    "RESOURCE_EXHAUSTED by the (caller, method) token buckets; "
                        + "limits are per instance.",
                    "reqps",
                    orZero(RATE_LIMITED, own, "caller, method"),
                    "{{caller}} {{method}}"),
                Panel.graph(
                    "Permission denials",
                    "UNAUTHENTICATED or PERMISSION_DENIED by the identity and permission "
                        + "stages.",
                    "reqps",
                    orZero(DENIED, own, "caller, method"),
                    "{{caller}} {{method}}"),
                Panel.graph(
                    "Token buckets held",
                    "Buckets of (caller, method) pairs per instance; idle ones expire.",
                    "short",
                    "sum by (instance) (squadron_rpc_server_rate_limit_buckets{" + own + "})",
                    "{{instance}}"))));
    for (String callee : d.calls()) {
      String sel = own + ",target=\"" + callee + "\"";
      rows.add(
          new Panel.Row(
              "Calls to " + callee,
              List.of(
                  Panel.graph(
                      "Requests per second to " + callee,
                      "As this service's clients see them, by method and " + "status.",
                      "reqps",
                      "sum by (method, status) (rate(" + CLIENT_CALLS + "{" + sel + "}[1m]))",
                      "{{method}} {{status}}"),
                  Panel.graph(
                      "p99 duration of calls to " + callee,
                      "Client side, network included.",
                      "s",
                      "histogram_quantile(0.99, sum by (method, le) (rate("
                          + CLIENT_BUCKETS
                          + "{"
                          + sel
                          + "}[1m])))",
                      "{{method}}"))));
    }
    if (!d.calls().isEmpty()) {
      // ELS tags its meters with the channel's authority (an address list locally, the callee's
      // headless Service
      // name in Kubernetes), not the callee's name: one row over every channel of the service, by
      // target.
      rows.add(
          new Panel.Row(
              "Load balancing (ELS) of its clients",
              List.of(
                  Panel.graph(
                      "ELS weight per endpoint",
                      "Share of picks ELS sends to each endpoint, averaged over this "
                          + "service's instances.",
                      "percentunit",
                      "avg by (target, endpoint) (els_endpoint_weight{" + own + "})",
                      "{{target}} {{endpoint}}"),
                  Panel.graph(
                      "ELS ejections",
                      "Endpoints cut off by the relative circuit breaker, per 5 minutes.",
                      "short",
                      "sum by (target, endpoint) (increase(els_endpoint_ejections_total{"
                          + own
                          + "}[5m]))",
                      "{{target}} {{endpoint}}"))));
    }
    d.storeMigration()
        .ifPresent(
            m ->
                rows.add(
                    new Panel.Row(
                        "Store migration "
                            + m.name()
                            + " ("
                            + m.source()
                            + " -> "
                            + m.target()
                            + ")",
                        List.of(
                            new Panel(
                                "Phase per instance",
                                phaseLegend(),
                                "short",
                                "stat",
                                List.of(
                                    new Panel.Query(
                                        "max by (instance) (migration_phase{" + own + "})",
                                        "{{instance}}"))),
                            Panel.graph(
                                "Dark reads by result",
                                "Reads of the shadow store compared with the primary's answer.",
                                "reqps",
                                "sum by (result) (rate(migration_dark_reads_total{"
                                    + own
                                    + "}[1m]))",
                                "{{result}}"),
                            Panel.graph(
                                "Writes the secondary store failed",
                                "Dual writes that reached the primary only.",
                                "reqps",
                                "sum by (migration) (rate(migration_secondary_write_failures_total{"
                                    + own
                                    + "}[1m]))",
                                "{{migration}}")))));
    return rows;
  }

  private static List<Panel.Query> burn(
      java.util.function.UnaryOperator<String> ratio, String own, String budget) {
    List<Panel.Query> queries = new ArrayList<>();
    for (String window : List.of("5m", "1h", "6h", "3d")) {
      queries.add(new Panel.Query(ratio.apply(window) + "{" + own + "} / " + budget, window));
    }
    return queries;
  }

  private static String quantile(double q, String by, String own) {
    return "histogram_quantile("
        + q
        + ", sum by ("
        + by
        + ") (rate("
        + BUCKETS
        + "{"
        + own
        + "}[1m])))";
  }

  private static String phaseLegend() {
    StringBuilder legend = new StringBuilder("The phase each instance runs:");
    for (Phase p : Phase.values()) {
      legend
          .append(' ')
          .append(p.ordinal())
          .append(" = ")
          .append(p.name())
          .append(p.ordinal() < Phase.values().length - 1 ? "," : ".");
    }
    return legend.toString();
  }

  private static List<Panel.Row> els() {
    String by = "service, target, endpoint";
    String legend = "{{service}} -> {{target}} {{endpoint}}";
    return List.of(
        new Panel.Row(
            "Endpoints as each client sees them",
            List.of(
                Panel.graph(
                    "Weight (share of picks)",
                    "Averaged over the client's instances.",
                    "percentunit",
                    "avg by (" + by + ") (els_endpoint_weight)",
                    legend),
                Panel.graph(
                    "Expected latency",
                    "ELS's estimate of a request sent there, failures counted as a retry.",
                    "s",
                    "avg by (" + by + ") (els_endpoint_expected_latency)",
                    legend),
                Panel.graph(
                    "Outstanding requests",
                    "Requests in flight from the clients to the endpoint.",
                    "short",
                    "sum by (" + by + ") (els_endpoint_outstanding)",
                    legend),
                Panel.graph(
                    "Success rate",
                    "Decayed success rate the breaker judges.",
                    "percentunit",
                    "avg by (" + by + ") (els_endpoint_success_rate)",
                    legend),
                Panel.graph(
                    "Ejected",
                    "1 while the relative circuit breaker cuts the endpoint off.",
                    "short",
                    "max by (" + by + ") (els_endpoint_ejected)",
                    legend),
                Panel.graph(
                    "Ejections per 5 minutes",
                    "Cut-offs by the relative circuit breaker.",
                    "short",
                    "sum by (" + by + ") (increase(els_endpoint_ejections_total[5m]))",
                    legend))));
  }

  private static List<Panel.Row> rateLimits() {
    return List.of(
        new Panel.Row(
            "Across the platform",
            List.of(
                Panel.graph(
                    "Rejected over the rate limit",
                    "By service, caller and method.",
                    "reqps",
                    orZero(RATE_LIMITED, "", "service, caller, method"),
                    "{{service}} <- {{caller}} {{method}}"),
                Panel.graph(
                    "Rejected share by caller (5m)",
                    "Rejections over all calls of the caller.",
                    "percentunit",
                    "(\n  sum by (service, caller) (rate("
                        + RATE_LIMITED
                        + "[5m]))\n  or\n  0 * sum by (service, caller) "
                        + "(rate("
                        + CALLS
                        + "[5m]))\n)\n/\nsum by (service, caller) (rate("
                        + CALLS
                        + "[5m]))",
                    "{{service}} <- {{caller}}"),
                Panel.graph(
                    "Permission denials",
                    "By service, caller and reason.",
                    "reqps",
                    orZero(DENIED, "", "service, caller, method"),
                    "{{service}} <- {{caller}} {{method}}"),
                Panel.graph(
                    "Token buckets held",
                    "Per service, summed over instances.",
                    "short",
                    "sum by (service) (squadron_rpc_server_rate_limit_buckets)",
                    "{{service}}"))));
  }
}
