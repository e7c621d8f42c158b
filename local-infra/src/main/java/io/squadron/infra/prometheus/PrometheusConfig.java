package io.squadron.infra.prometheus;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code prometheus.yml} a {@link PrometheusServer} runs with: one scrape job over file-based
 * service discovery (every {@code *.json} file of the targets directory), the rule files, and the
 * renames of scraped labels that clash with target labels.
 */
record PrometheusConfig(
    String job,
    Duration scrapeInterval,
    Duration evaluationInterval,
    List<String> ruleFiles,
    Map<String, String> scrapedLabelRenames) {

  String render(Path targetsDir) {
    StringBuilder yaml =
        new StringBuilder()
            .append("# Written by squadron's PrometheusLauncher at every start; edits are lost.\n")
            .append("global:\n")
            .append("  scrape_interval: ")
            .append(duration(scrapeInterval))
            .append('\n')
            .append("  scrape_timeout: ")
            .append(duration(scrapeInterval))
            .append('\n')
            .append("  evaluation_interval: ")
            .append(duration(evaluationInterval))
            .append('\n');
    yaml.append("rule_files:");
    if (ruleFiles.isEmpty()) {
      yaml.append(" []\n");
    } else {
      yaml.append('\n');
      ruleFiles.forEach(f -> yaml.append("  - ").append(quote(f)).append('\n'));
    }
    yaml.append("scrape_configs:\n")
        .append("  - job_name: ")
        .append(quote(job))
        .append('\n')
        .append("    metrics_path: /metrics\n")
        .append("    file_sd_configs:\n")
        .append("      - files: [")
        .append(quote(targetsDir.resolve("*.json").toString()))
        .append("]\n")
        .append("        refresh_interval: 5s\n");
    if (!scrapedLabelRenames.isEmpty()) {
      yaml.append("    metric_relabel_configs:\n");
      // A scraped label that clashes with a target label arrives as exported_<name> (honor_labels:
      // false).
      for (Map.Entry<String, String> rename : new TreeMap<>(scrapedLabelRenames).entrySet()) {
        String exported = "exported_" + rename.getKey();
        yaml.append("      - source_labels: [")
            .append(exported)
            .append("]\n")
            .append("        regex: '(.+)'\n")
            .append("        target_label: ")
            .append(rename.getValue())
            .append('\n')
            .append("      - regex: ")
            .append(exported)
            .append('\n')
            .append("        action: labeldrop\n");
      }
    }
    return yaml.toString();
  }

  /** A Prometheus duration: whole seconds as {@code 2s}, anything else in milliseconds. */
  static String duration(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
