package io.squadron.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import java.nio.file.Path;

/**
 * The checkout deploy's live tests start platforms from, and their precondition: the modules they
 * run are built (a platform starts each from its {@code target/classpath.txt}), so a missing build
 * fails with what to do rather than with a service that never starts.
 */
public final class BuiltCheckout {
  private BuiltCheckout() {}

  /** The repository root: the parent of the deploy module the tests run in. */
  public static Path home() {
    return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
  }

  /** Asserts that every service the catalog discovers under {@code home} is built. */
  public static void assertEveryServiceBuilt(Path home) {
    for (ServiceModule s : ServiceCatalog.discover(home).services()) {
      assertBuilt(home, s.moduleDir());
    }
  }

  /** Asserts that the module in {@code moduleDir} (relative to {@code home}) is built. */
  public static void assertBuilt(Path home, String moduleDir) {
    assertThat(home.resolve(moduleDir).resolve("target/classpath.txt"))
        .as("%s must be built first (mvn install, or ./squadron build)", moduleDir)
        .isRegularFile();
  }
}
