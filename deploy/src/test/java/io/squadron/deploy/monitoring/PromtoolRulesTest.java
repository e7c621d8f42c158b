package io.squadron.deploy.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.squadron.infra.InfraStartException;
import io.squadron.infra.prometheus.PrometheusLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shipped rule files pass {@code promtool check rules} (syntax, PromQL, lint) and their unit
 * tests pass {@code promtool test rules}: every alert fires on the series it is about and on no
 * look-alike. promtool comes from Debian's prometheus package, installed when missing; the tests
 * are skipped only where it cannot be installed (not root), with the command to run.
 */
class PromtoolRulesTest {
  private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static Path promtool;

  @BeforeAll
  static void findPromtool() {
    try {
      promtool = PrometheusLauncher.builder().promtool();
    } catch (InfraStartException e) {
      Assumptions.abort("promtool cannot be installed here: " + e.getMessage());
    }
  }

  private record Result(int exit, String output) {}

  private static Result promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(promtool.toString()));
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(DEPLOY.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("promtool finished").isTrue();
    return new Result(p.exitValue(), output);
  }

  private static List<String> files(String dir) throws IOException {
    try (Stream<Path> files = Files.list(DEPLOY.resolve(dir))) {
      return files
          .filter(p -> p.toString().endsWith(".yml"))
          .map(p -> DEPLOY.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void ruleFiles_passPromtoolCheck() throws Exception {
    List<String> rules = files(MonitoringFiles.RULES_DIR);
    assertThat(rules).contains(MonitoringFiles.SLO_RULES, MonitoringFiles.PLATFORM_RULES);
    List<String> args = new ArrayList<>(List.of("check", "rules"));
    args.addAll(rules);

    Result result = promtool(args.toArray(String[]::new));

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void ruleUnitTests_passPromtoolTest() throws Exception {
    List<String> tests = files(MonitoringFiles.TESTS_DIR);
    assertThat(tests).contains(MonitoringFiles.SLO_TESTS, "prometheus/tests/platform_test.yml");
    List<String> args = new ArrayList<>(List.of("test", "rules"));
    args.addAll(tests);

    Result result = promtool(args.toArray(String[]::new));

    assertThat(result.exit()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
  }

  @Test
  void everyAlert_hasATestWhereItFires() throws Exception {
    Set<String> alerts = new TreeSet<>();
    for (String file : files(MonitoringFiles.RULES_DIR)) {
      for (JsonNode group : YAML.readTree(DEPLOY.resolve(file).toFile()).path("groups")) {
        group
            .path("rules")
            .forEach(
                r -> {
                  if (r.has("alert")) {
                    alerts.add(r.path("alert").asText());
                  }
                });
      }
    }
    Set<String> firing = new TreeSet<>();
    for (String file : files(MonitoringFiles.TESTS_DIR)) {
      for (JsonNode test : YAML.readTree(DEPLOY.resolve(file).toFile()).path("tests")) {
        test.path("alert_rule_test")
            .forEach(
                t -> {
                  if (!t.path("exp_alerts").isEmpty()) {
                    firing.add(t.path("alertname").asText());
                  }
                });
      }
    }

    assertThat(alerts)
        .contains(
            "SloAvailabilityFastBurn",
            "SloLatencyBudgetBurn",
            "PadlockCacheHitRatioDrop",
            "ElsEndpointEjectionsFrequent",
            "RateLimitRejectionSpike",
            "BillingProviderSuccessDrop",
            "EventsConsumerLagHigh");
    assertThat(firing).containsAll(alerts);
  }
}
