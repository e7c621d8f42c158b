package io.squadron.deploy.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.deploy.local.LocalPlatform;
import io.squadron.deploy.local.Workspace;
import io.squadron.deploy.prometheus.PrometheusClient;
import io.squadron.deploy.prometheus.PrometheusQueryException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every shipped dashboard against a live Prometheus scraping a running platform: the platform's own
 * {@link LocalPlatform} (every service of the checkout, its stores, its Prometheus, in a state directory of this
 * test's own), after each service's demo has driven some traffic. No query may fail to parse, and none may answer
 * nothing: an empty panel on a platform that just served calls means a wrong metric or label name.
 */
class DashboardQueriesLiveTest {
  private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  private static final Duration ANSWER_WAIT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  private record PanelQuery(String where, String expr) {}

  @Test
  @Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
  void everyPanelQuery_parsesAndAnswers_onARunningPlatform(@TempDir Path state) throws Exception {
    Path home = DEPLOY.getParent();
    for (ServiceModule s : ServiceCatalog.discover(home).services()) {
      assertThat(home.resolve(s.moduleDir()).resolve("target/classpath.txt"))
          .as("%s must be built first (mvn install, or ./squadron build)", s.moduleDir()).isRegularFile();
    }
    List<PanelQuery> queries = panelQueries();
    assertThat(queries).hasSizeGreaterThan(50);

    long t0 = System.nanoTime();
    try (LocalPlatform platform = new LocalPlatform(new Workspace(home, state), System.out, System.getenv())) {
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
            assertThat(e.errorType()).as("%s: %s", q.getKey(), e.getMessage()).isNotEqualTo("bad_data");
          }
        }
        if (!unanswered.isEmpty()) {
          Thread.sleep(2_000);
        }
      }
      System.out.printf("[dashboards] %d queries answered in %.1f s after the demos%n", queries.size()
          - unanswered.size(), (System.nanoTime() - t1) / 1e9);
      assertThat(unanswered).as("panels with no data after %s", ANSWER_WAIT).isEmpty();
    }
  }

  private static List<PanelQuery> panelQueries() throws IOException {
    List<PanelQuery> queries = new ArrayList<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve(MonitoringFiles.DASHBOARDS_DIR))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        JsonNode dashboard = JSON.readTree(file.toFile());
        for (JsonNode panel : dashboard.path("panels")) {
          for (JsonNode target : panel.path("targets")) {
            queries.add(new PanelQuery(file.getFileName() + " / " + panel.path("title").asText() + " / "
                + target.path("refId").asText(), target.path("expr").asText()));
          }
        }
      }
    }
    return queries;
  }
}
