package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkout the command runs from ({@code home}) and its run directory ({@code home/.squadron/run}), where the
 * local platform keeps generated configs, logs and its state file.
 *
 * @param home the repository root
 */
public record Workspace(Path home) {
  public Workspace {
    requireNonNull(home, "home");
    if (!Files.isRegularFile(home.resolve("pom.xml"))) {
      throw new IllegalArgumentException("home: " + home + " is not the Squadron checkout (no pom.xml)");
    }
  }

  /** The directory of one module. */
  public Path module(String dir) {
    return home.resolve(dir);
  }

  /** The run directory, created on demand. */
  public Path runDir() {
    return ensure(home.resolve(".squadron").resolve("run"));
  }

  /** Where a service's log goes. */
  public Path logFile(String service) {
    return ensure(runDir().resolve("logs")).resolve(service + ".log");
  }

  /** Where a service's generated config goes. */
  public Path configFile(String service) {
    return ensure(runDir().resolve("config")).resolve(service + ".conf");
  }

  /** The local platform CA and certificates ({@code squadron certs} writes them; kept across runs). */
  public Path certDir() {
    return ensure(home.resolve(".squadron").resolve("certs"));
  }

  /** The state file of a running platform. */
  public Path stateFile() {
    return runDir().resolve("state.properties");
  }

  private static Path ensure(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
