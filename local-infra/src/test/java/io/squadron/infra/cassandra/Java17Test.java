package io.squadron.infra.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.infra.InfraStartException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Java17Test {

  private static Path home(Path dir, String version) throws Exception {
    Files.createDirectories(dir.resolve("bin"));
    Files.writeString(
        dir.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
    return dir;
  }

  @Test
  void featureVersion_readsTheReleaseFile(@TempDir Path dir) throws Exception {
    assertThat(Java17.featureVersion(home(dir.resolve("a"), "17.0.15"))).contains(17);
    assertThat(Java17.featureVersion(home(dir.resolve("b"), "25.0.3"))).contains(25);
    assertThat(Java17.featureVersion(home(dir.resolve("c"), "1.8.0_402"))).contains(8);
    assertThat(Java17.featureVersion(dir.resolve("none"))).isEmpty();
  }

  @Test
  void locate_takesAConfiguredJava17_rejectsAnotherVersion(@TempDir Path dir) throws Exception {
    Path jdk17 = home(dir.resolve("jdk17"), "17.0.15");
    assertThat(Java17.locate(jdk17)).isEqualTo(jdk17.resolve("bin/java"));
    assertThatThrownBy(() -> Java17.locate(home(dir.resolve("jdk25"), "25.0.3")))
        .isInstanceOf(InfraStartException.class)
        .hasMessageContaining("not a Java 17");
  }

  @Test
  void locate_withoutConfiguration_findsAJava17Binary() {
    Path java = Java17.locate(null);
    assertThat(Files.isExecutable(java)).isTrue();
    assertThat(Java17.featureVersion(java.getParent().getParent())).contains(17);
  }
}
