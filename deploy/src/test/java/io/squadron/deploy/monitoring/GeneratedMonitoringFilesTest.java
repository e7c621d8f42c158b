package io.squadron.deploy.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.deploy.catalog.ServiceCatalog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed rule, test and dashboard files are what {@code squadron monitoring} generates
 * today.
 */
class GeneratedMonitoringFilesTest {
  private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();

  @Test
  void committedFiles_matchTheGenerator_runSquadronMonitoringWhenThisFails() throws Exception {
    Map<String, String> generated =
        MonitoringFiles.generate(ServiceCatalog.discover(DEPLOY.getParent()), DEPLOY.getParent());

    assertThat(generated).containsKeys(MonitoringFiles.SLO_RULES, MonitoringFiles.SLO_TESTS);
    for (Map.Entry<String, String> file : generated.entrySet()) {
      Path committed = DEPLOY.resolve(file.getKey());
      assertThat(committed).as("%s (run ./squadron monitoring)", file.getKey()).isRegularFile();
      assertThat(Files.readString(committed, StandardCharsets.UTF_8))
          .as("%s is stale: run ./squadron monitoring", file.getKey())
          .isEqualTo(file.getValue());
    }
  }

  @Test
  void latencyBucket_isTheLargestExposedBoundAtOrBelowTheThreshold() {
    assertThat(Histograms.atOrBelow(java.time.Duration.ofMillis(15)).le()).isEqualTo("0.013981011");
    assertThat(Histograms.atOrBelow(java.time.Duration.ofNanos(16_777_216)).le())
        .isEqualTo("0.016777216");
    assertThat(Histograms.atOrBelow(java.time.Duration.ofMillis(100)).seconds())
        .isLessThanOrEqualTo(0.1);
    assertThat(Histograms.callDurationBuckets())
        .extracting(Histograms.Bucket::le)
        .contains("1.0E-4", "30.0");
  }
}
