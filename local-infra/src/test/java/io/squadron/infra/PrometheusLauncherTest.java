package io.squadron.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.squadron.infra.process.Processes;
import io.squadron.infra.prometheus.PrometheusLauncher;
import io.squadron.infra.prometheus.PrometheusServer;
import io.squadron.infra.prometheus.ScrapeTarget;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's package, installed when missing) scraping a real HTTP endpoint of
 * this JVM.
 */
class PrometheusLauncherTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicLong requests = new AtomicLong(5);
  private HttpServer exporter;

  @BeforeEach
  void startExporter() throws IOException {
    exporter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    exporter.createContext(
        "/metrics",
        exchange -> {
          byte[] body =
              ("# TYPE demo_requests_total counter\n"
                      + "demo_requests_total{service=\"squadron.demo.v1.DemoService\",method=\"Get\"} "
                      + requests.get()
                      + "\n")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    exporter.start();
  }

  @AfterEach
  void stopExporter() {
    exporter.stop(0);
  }

  private String exporterAddress() {
    return "127.0.0.1:" + exporter.getAddress().getPort();
  }

  @Test
  void start_scrapesFileDiscoveredTargets_withTargetLabels_andClashingLabelRenamed()
      throws Exception {
    try (PrometheusServer prometheus =
        PrometheusLauncher.builder()
            .scrapeInterval(Duration.ofSeconds(1))
            .renameScrapedLabel("service", "grpc_service")
            .start()) {
      assertThat(prometheus.url().toString()).isEqualTo("http://127.0.0.1:" + prometheus.port());
      assertThat(prometheus.startTime()).isPositive();
      prometheus.setTargets(
          "demo",
          List.of(
              new ScrapeTarget(
                  exporterAddress(),
                  Map.of("service", "demo", "region", "r1", "group", "a", "version", "v1"))));

      String body =
          awaitQuery(prometheus, "demo_requests_total", b -> b.contains("\"grpc_service\""));

      assertThat(body)
          .contains(
              "\"service\":\"demo\"",
              "\"grpc_service\":\"squadron.demo.v1.DemoService\"",
              "\"region\":\"r1\"",
              "\"group\":\"a\"",
              "\"version\":\"v1\"",
              "\"job\":\"squadron\"",
              "\"instance\":\"" + exporterAddress() + "\"")
          .doesNotContain("exported_service");

      prometheus.setTargets("demo", List.of());
      awaitBody(prometheus, "/api/v1/targets?state=active", b -> !b.contains(exporterAddress()));
      assertThat(Files.list(prometheus.targetsDir()).toList()).isEmpty();
    }
  }

  @Test
  void ruleFiles_areLoadedAndEvaluated(@TempDir Path rules) throws Exception {
    Files.writeString(
        rules.resolve("demo.yml"),
        """
                groups:
                  - name: demo
                    rules:
                      - record: demo:requests:sum
                        expr: sum(demo_requests_total)
                """);
    try (PrometheusServer prometheus =
        PrometheusLauncher.builder()
            .scrapeInterval(Duration.ofSeconds(1))
            .evaluationInterval(Duration.ofSeconds(1))
            .ruleFiles(List.of(rules + "/*.yml"))
            .start()) {
      prometheus.setTargets(
          "demo", List.of(new ScrapeTarget(exporterAddress(), Map.of("service", "demo"))));

      String body = awaitQuery(prometheus, "demo:requests:sum", b -> b.contains("\"5\""));

      assertThat(body).contains("\"__name__\":\"demo:requests:sum\"");
    }
  }

  @Test
  void restart_keepsPortAndData_closeLeavesNoProcessOrDirectory() throws Exception {
    PrometheusServer prometheus =
        PrometheusLauncher.builder().scrapeInterval(Duration.ofSeconds(1)).start();
    long pid = prometheus.pid();
    int port = prometheus.port();
    try {
      prometheus.setTargets(
          "demo", List.of(new ScrapeTarget(exporterAddress(), Map.of("service", "demo"))));
      awaitQuery(prometheus, "demo_requests_total", b -> b.contains("\"5\""));
      exporter.stop(0); // nothing new to scrape: what the query finds after the restart was kept

      prometheus.restart();

      assertThat(prometheus.port()).isEqualTo(port);
      assertThat(prometheus.pid()).isNotEqualTo(pid);
      assertThat(
              awaitQuery(
                  prometheus, "max_over_time(demo_requests_total[10m])", b -> b.contains("\"5\"")))
          .contains("\"service\":\"demo\"");
    } finally {
      prometheus.close();
    }
    assertThat(ProcessHandle.of(pid).map(Processes::running).orElse(false)).isFalse();
    assertThat(Files.exists(prometheus.workDir())).isFalse();
    assertThat(prometheus.pid()).isEqualTo(-1);
  }

  @Test
  void badRuleFile_failsTheStart_withPrometheusOwnMessage(@TempDir Path rules) throws Exception {
    Files.writeString(
        rules.resolve("bad.yml"),
        "groups:\n  - name: bad\n    rules:\n      - record: x\n" + "        expr: sum(\n");

    assertThatThrownBy(
            () -> PrometheusLauncher.builder().ruleFiles(List.of(rules + "/bad.yml")).start())
        .isInstanceOf(InfraStartException.class)
        .hasMessageContaining("prometheus at 127.0.0.1:")
        .hasMessageContaining("bad.yml");
  }

  @Test
  void builder_rejectsBadSettings_namingThem() {
    assertThatThrownBy(() -> PrometheusLauncher.builder().ruleFiles(List.of("relative/*.yml")))
        .hasMessageContaining("ruleFiles: 'relative/*.yml'");
    assertThatThrownBy(() -> PrometheusLauncher.builder().scrapeInterval(Duration.ZERO))
        .hasMessageContaining("scrapeInterval: PT0S");
    assertThatThrownBy(() -> PrometheusLauncher.builder().renameScrapedLabel("service", "__bad"))
        .hasMessageContaining("'__bad'");
    assertThatThrownBy(() -> new ScrapeTarget("no-port", Map.of()))
        .hasMessageContaining("address: 'no-port'");
    assertThatThrownBy(() -> new ScrapeTarget("127.0.0.1:1", Map.of("bad-label", "x")))
        .hasMessageContaining("labels: 'bad-label'");
  }

  @Test
  void promtool_isInstalledAndRuns() throws Exception {
    Path promtool = PrometheusLauncher.builder().promtool();
    Process version =
        new ProcessBuilder(promtool.toString(), "--version").redirectErrorStream(true).start();
    String output = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(version.waitFor()).isZero();
    assertThat(output).contains("promtool, version 2.");
  }

  private String awaitQuery(PrometheusServer prometheus, String promql, Predicate<String> done)
      throws Exception {
    return awaitBody(
        prometheus,
        "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8),
        b -> b.contains("\"status\":\"success\"") && b.contains("\"result\":[{") && done.test(b));
  }

  private String awaitBody(PrometheusServer prometheus, String path, Predicate<String> done)
      throws Exception {
    URI uri = prometheus.url().resolve(path);
    long deadline = System.nanoTime() + WAIT.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response =
          http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      last = response.body();
      if (response.statusCode() == 200 && done.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "no answer as expected from " + uri + " within " + WAIT + "; last: " + last);
  }
}
