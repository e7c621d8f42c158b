package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a service's releases are, and how to start one. {@value #CURRENT} is the checkout's build
 * ({@code target/classes} plus {@code target/classpath.txt}); any other id is a directory {@code
 * <stateDir>/releases/<service>/<id>/} holding {@code classpath.txt} (the whole class path, one
 * line, {@code :}-separated, as a snapshot of a build) and optionally {@code config.conf} (HOCON
 * appended to the instance's config: a release is a build plus config).
 */
public final class Releases {
  /** The release id of the checkout's own build. */
  public static final String CURRENT = "current";

  /** The class path file of a release directory. */
  public static final String CLASSPATH_FILE = "classpath.txt";

  /** The optional config overlay of a release directory. */
  public static final String CONFIG_FILE = "config.conf";

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final Workspace workspace;

  public Releases(Workspace workspace) {
    this.workspace = requireNonNull(workspace, "workspace");
  }

  /**
   * How to start one release of a service.
   *
   * @param id the release id
   * @param classPath the JVM class path
   * @param configOverlay HOCON appended to the instance's config, if the release has any
   */
  public record Release(String id, String classPath, Optional<String> configOverlay) {
    public Release {
      requireId(id);
      requireNonNull(classPath, "classPath");
      requireNonNull(configOverlay, "configOverlay");
    }
  }

  /** The directory of {@code service}'s release {@code id} (it need not exist). */
  public Path directory(String service, String id) {
    requireId(id);
    if (CURRENT.equals(id)) {
      throw new IllegalArgumentException(
          "id: " + CURRENT + " is the checkout's build, no directory");
    }
    return workspace.stateDir().resolve("releases").resolve(service).resolve(id);
  }

  /**
   * Resolves {@code service}'s release {@code id}; {@code moduleDir} is its module (for {@value
   * #CURRENT}).
   *
   * @throws IllegalStateException when the release is not there (naming what is missing)
   */
  public Release resolve(String service, String moduleDir, String id) {
    requireNonNull(service, "service");
    requireNonNull(moduleDir, "moduleDir");
    requireId(id);
    if (CURRENT.equals(id)) {
      return new Release(id, ModuleClasspath.of(workspace, moduleDir), Optional.empty());
    }
    Path dir = directory(service, id);
    Path classPath = dir.resolve(CLASSPATH_FILE);
    if (!Files.isRegularFile(classPath)) {
      throw new IllegalStateException(
          "release "
              + id
              + " of "
              + service
              + " has no "
              + classPath
              + " (create the release first)");
    }
    try {
      Path config = dir.resolve(CONFIG_FILE);
      return new Release(
          id,
          Files.readString(classPath, StandardCharsets.UTF_8).trim(),
          Files.isRegularFile(config)
              ? Optional.of(Files.readString(config, StandardCharsets.UTF_8))
              : Optional.empty());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read release " + dir, e);
    }
  }

  /** Checks a release id: letters, digits, '.', '_', '-', at most 64. */
  public static String requireId(String id) {
    requireNonNull(id, "release");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "release: \"" + id + "\" (expected: letters, digits, '.', '_', '-'; at most 64)");
    }
    return id;
  }
}
