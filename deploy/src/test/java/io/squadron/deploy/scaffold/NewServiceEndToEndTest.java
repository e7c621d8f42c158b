package io.squadron.deploy.scaffold;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a squad gets: a service generated into a fresh copy of the repository builds, and its own
 * edge test passes against a real PostgreSQL and a real Padlock, with nothing edited by hand. Needs
 * the platform's modules installed in the local Maven repository ({@code ./squadron test} runs
 * {@code mvn install}, which installs every module before deploy's tests run).
 */
class NewServiceEndToEndTest {

  @Test
  void generatedService_buildsAndPassesItsOwnEdgeTest() throws Exception {
    try (ScratchCheckout scratch = ScratchCheckout.ofThisRepository()) {
      List<Path> written =
          new ServiceGenerator(scratch.root())
              .generate(
                  new ServiceParams(
                      "notebook",
                      "postgres",
                      Optional.of("listening"),
                      List.of(),
                      List.of("checkout")),
                  ServiceTemplate.version(ServiceTemplate.CURRENT_VERSION));
      assertThat(written)
          .contains(Path.of("notebook-service/src/main/resources/squadron-service.conf"));

      new ModuleFormatter(scratch.root()).format("notebook-service"); // as new-service does

      ScratchCheckout.Result build =
          scratch.maven(Duration.ofMinutes(8), "-pl", "proto,notebook-service", "verify");

      assertThat(build.timedOut()).as("the build ran past 8 minutes").isFalse();
      assertThat(build.exit())
          .as("mvn verify of the generated service:\n%s", build.tail(80))
          .isZero();
      assertThat(build.output())
          .containsPattern("Tests run: [1-9]\\d*, Failures: 0, Errors: 0, Skipped: 0");
      Path reports = scratch.root().resolve("notebook-service/target/surefire-reports");
      assertThat(Files.list(reports).map(p -> p.getFileName().toString()))
          .anyMatch(name -> name.startsWith("TEST-") && name.contains("EdgeTest"));
    }
  }
}
