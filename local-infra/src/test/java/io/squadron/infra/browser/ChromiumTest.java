package io.squadron.infra.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.infra.InfraStartException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromiumTest {
  private static Path executable(Path dir, String name) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, "#!/bin/sh\necho " + name + " 1.0\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  @Test
  void locate_findsBrowserAndDriverOnTheSearchPath(
      @TempDir Path a, @TempDir Path b, @TempDir Path work) throws Exception {
    Path browser = executable(a, "chromium");
    Path driver = executable(b, "chromedriver");
    Chromium found = Chromium.locate(a + File.pathSeparator + b, false, work);
    assertThat(found).isEqualTo(new Chromium(browser, driver));
    assertThat(found.version()).isEqualTo("chromium 1.0");
  }

  @Test
  void locate_missingAndNotInstalling_failsWithTheInstallCommand(
      @TempDir Path empty, @TempDir Path work) throws Exception {
    executable(empty, "chromium"); // the driver is missing: both are needed
    assertThatThrownBy(() -> Chromium.locate(empty.toString(), false, work))
        .isInstanceOf(InfraStartException.class)
        .hasMessageContaining("apt-get update && apt-get install -y chromium chromium-driver");
  }

  @Test
  void locate_onThisMachine_findsDebiansPackagesInstallingThemWhenRoot() {
    Chromium chromium = Chromium.locate();
    assertThat(chromium.browser()).isExecutable();
    assertThat(chromium.driver()).isExecutable();
    assertThat(chromium.version()).startsWith("Chromium ");
  }
}
