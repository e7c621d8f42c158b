package io.squadron.deploy.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squadron.deploy.BuiltCheckout;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.local.LocalPlatform;
import io.squadron.deploy.local.Workspace;
import io.squadron.deploy.prometheus.PrometheusClient;
import io.squadron.deploy.prometheus.PrometheusQueryException;
import io.squadron.deploy.rollout.analysis.AnalysisReport;
import io.squadron.deploy.rollout.analysis.AnalysisSettings;
import io.squadron.deploy.rollout.analysis.CanaryJudge;
import io.squadron.deploy.rollout.analysis.CanaryMetrics;
import io.squadron.deploy.rollout.analysis.IntervalResult;
import io.squadron.deploy.rollout.analysis.MetricResult;
import io.squadron.deploy.rollout.analysis.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every shipped dashboard against a live Prometheus scraping a running platform: the
 * platform's own {@link LocalPlatform} (every service of the checkout, its stores, its Prometheus,
 * in a state directory of this test's own), after each service's demo has driven some traffic. No
 * query may fail to parse, and none may answer nothing: an empty panel on a platform that just
 * served calls means a wrong metric or label name. A failed run keeps its state directory (the
 * services' logs are in its {@code run/logs}).
 */
class DashboardQueriesLiveTest {
  private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*[{\\[]");

  private record PanelQuery(String where, String expr) {}

  @Test
  @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
  void everyPanelQuery_parsesAndAnswers_onARunningPlatform(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path state) throws Exception {
    Path home = BuiltCheckout.home();
    BuiltCheckout.assertEveryServiceBuilt(home);
    List<PanelQuery> queries = panelQueries();
    assertThat(queries).hasSizeGreaterThan(50);

    long t0 = System.nanoTime();
    try (LocalPlatform platform =
        new LocalPlatform(new Workspace(home, state), System.out, System.getenv())) {
      platform.start();
      System.out.printf("[dashboards] platform up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
      assertThat(platform.demo()).as("every demo passed").isTrue();
      PrometheusClient prometheus = new PrometheusClient(platform.prometheusUrl().orElseThrow());

      long t1 = System.nanoTime();
      Map<String, String> unanswered = new LinkedHashMap<>();
      queries.forEach(q -> unanswered.put(q.where(), q.expr()));
      long deadline = System.nanoTime() + ANSWER_WAIT.toNanos();
      while (!unanswered.isEmpty() && System.nanoTime() < deadline) {
        for (var it = unanswered.entrySet().iterator(); it.hasNext(); ) {
          var q = it.next();
          try {
            if (!prometheus.query(q.getValue()).isEmpty()) {
              it.remove();
            }
          } catch (PrometheusQueryException e) {
            // A query that does not parse fails at once: waiting cannot fix it.
            assertThat(e.errorType())
                .as("%s: %s", q.getKey(), e.getMessage())
                .isNotEqualTo("bad_data");
          }
        }
        if (!unanswered.isEmpty()) {
          Thread.sleep(2_000);
        }
      }
      System.out.printf(
          "[dashboards] %d queries answered in %.1f s after the demos%n",
          queries.size() - unanswered.size(), (System.nanoTime() - t1) / 1e9);
      assertThat(unanswered).as("panels with no data after %s", ANSWER_WAIT).isEmpty();

      // A fallback ('or 0 * ...') keeps a rate of rare events from showing "no data", and would
      // hide a misspelt
      // name: every metric a panel names is scraped, or is a counter some module registers at its
      // first event.
      Set<String> scraped = new TreeSet<>();
      prometheus
          .query("count by (__name__) ({__name__=~\".+\"})")
          .forEach(x -> scraped.add(x.labels().get("__name__")));
      Set<String> eventOnly = new TreeSet<>();
      for (PanelQuery q : queries) {
        for (String name : metricNames(q.expr())) {
          if (!scraped.contains(name)) {
            assertThat(registeredInSources(home, name))
                .as(
                    "%s: %s is neither scraped nor registered by any module's code",
                    q.where(), name)
                .isTrue();
            eventOnly.add(name);
          }
        }
      }
      System.out.printf(
          "[dashboards] %d metric names scraped; not yet seen (counters of rare events): %s%n",
          scraped.size(), eventOnly);

      // The rollout's canary analysis reads this Prometheus too: each instance against itself (A/A)
      // finds its
      // methods and never fails.
      Instant end = Instant.now();
      List<PrometheusClient.Target> instances =
          prometheus.activeTargets().stream()
              .filter(t -> "squadron".equals(t.labels().get("job")))
              .toList();
      assertThat(instances)
          .hasSizeGreaterThanOrEqualTo(ServiceCatalog.discover(home).services().size());
      for (PrometheusClient.Target target : instances) {
        String service = target.labels().get("service");
        Set<String> instance = Set.of(target.labels().get("instance"));
        List<MetricResult> results =
            new CanaryMetrics(prometheus, service, instance, instance, AnalysisSettings.DEFAULTS)
                .compare(end, Duration.ofMinutes(5));
        assertThat(results)
            .as("%s: latency and errors of the methods it served", service)
            .isNotEmpty()
            .allSatisfy(
                r ->
                    assertThat(r.verdict())
                        .as(r.toString())
                        .isIn(Verdict.PASS, Verdict.INCONCLUSIVE));
        System.out.print(
            "[dashboards] "
                + service
                + " A/A "
                + AnalysisReport.format(
                    IntervalResult.of(1, results, AnalysisSettings.DEFAULTS),
                    new CanaryJudge.Decision(CanaryJudge.Action.CONTINUE, "check only")));
      }
    }
  }

  /** The metric names a query selects: a name followed by a selector or a range. */
  static Set<String> metricNames(String promql) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(promql);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /**
   * Whether some module's main code registers the meter: Micrometer's dotted name, or the
   * Prometheus name itself.
   */
  private static boolean registeredInSources(Path home, String prometheusName) throws IOException {
    String dotted = "\"" + prometheusName.replaceFirst("_total$", "").replace('_', '.') + "\"";
    String plain = "\"" + prometheusName + "\"";
    try (Stream<Path> files = Files.walk(home, 12)) {
      return files
          .filter(
              f ->
                  f.toString().endsWith(".java")
                      && f.toString().contains("/src/main/java/")
                      && !f.startsWith(DEPLOY))
          .anyMatch(
              f -> {
                try {
                  String text = Files.readString(f);
                  return text.contains(dotted) || text.contains(plain);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
    }
  }

  private static List<PanelQuery> panelQueries() throws IOException {
    List<PanelQuery> queries = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve(MonitoringFiles.DASHBOARDS_DIR))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode dashboard = JSON.readTree(file.toFile());
        for (JsonNode panel : dashboard.path("panels")) {
          for (JsonNode target : panel.path("targets")) {
            queries.add(
                new PanelQuery(
                    file.getFileName()
                        + " / "
                        + panel.path("title").asText()
                        + " / "
                        + target.path("refId").asText(),
                    target.path("expr").asText()));
          }
        }
      }
    }
    return queries;
  }
}
