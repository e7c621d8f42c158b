package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checkout the command runs from ({@code home}) and its state directory ({@code home/.squadron}
 * unless given): the run directory ({@code run/}), where the local platform keeps generated
 * configs, logs and its state file, and the local certificates ({@code certs/}). A test that starts
 * a platform of its own gives it a state directory of its own, so it never touches a platform a
 * developer runs from the same checkout.
 *
 * @param home the repository root
 * @param stateDir where runs keep their state
 */
public record Workspace(Path home, Path stateDir) {
  public Workspace {
    requireNonNull(home, "home");
    requireNonNull(stateDir, "stateDir");
    if (!Files.isRegularFile(home.resolve("pom.xml"))) {
      throw new IllegalArgumentException(
          "home: " + home + " is not the Squadron checkout (no pom.xml)");
    }
  }

  /** The checkout {@code home} with its state in {@code home/.squadron}. */
  public Workspace(Path home) {
    this(home, requireNonNull(home, "home").resolve(".squadron"));
  }

  /** The directory of one module. */
  public Path module(String dir) {
    return home.resolve(dir);
  }

  /** The run directory, created on demand. */
  public Path runDir() {
    return ensure(stateDir.resolve("run"));
  }

  /** Where a service's log goes. */
  public Path logFile(String service) {
    return ensure(runDir().resolve("logs")).resolve(service + ".log");
  }

  /** Where a service's generated config goes. */
  public Path configFile(String service) {
    return ensure(runDir().resolve("config")).resolve(service + ".conf");
  }

  /**
   * The local platform CA and certificates ({@code squadron certs} writes them; kept across runs).
   */
  public Path certDir() {
    return ensure(stateDir.resolve("certs"));
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
