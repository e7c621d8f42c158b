package io.squadron.deploy.release;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import io.squadron.deploy.local.Releases;
import io.squadron.deploy.local.Workspace;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Creates and lists releases under {@code <stateDir>/releases/<service>/<version>/}: {@code
 * classpath.txt} (one line, the whole class path, {@code :}-separated, pointing into the release's
 * own {@code lib/}), an optional {@code config.conf} (HOCON appended to an instance's config) and
 * {@code release.properties} (what it was made from). A release is immutable: its class path is
 * copied (the module's classes and every jar, SNAPSHOTs of sibling modules included), so rebuilding
 * the checkout changes no release; creating an existing version is refused. The directory is built
 * aside and renamed into place, so a half-copied release never exists.
 */
public final class ReleaseStore {
  /** The release id of the checkout's own build (not a directory). */
  public static final String CURRENT = Releases.CURRENT;

  /** The class path file of a release. */
  public static final String CLASSPATH_FILE = Releases.CLASSPATH_FILE;

  /** The config overlay of a release. */
  public static final String CONFIG_FILE = Releases.CONFIG_FILE;

  /** What a release was made from. */
  public static final String INFO_FILE = "release.properties";

  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private final Workspace workspace;
  private final Clock clock;

  /** The releases of {@code workspace}'s state directory, dated by {@code clock}. */
  public ReleaseStore(Workspace workspace, Clock clock) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.clock = requireNonNull(clock, "clock");
  }

  /** The directory of {@code service}'s release {@code version} (it need not exist). */
  public Path directory(String service, String version) {
    return new Releases(workspace).directory(service, checkVersion(version));
  }

  /**
   * Checks a version: letters, digits, '.', '_', '-', at most 64, not {@value #CURRENT}.
   *
   * @throws IllegalArgumentException naming {@code --version} and what it must look like
   */
  public static String checkVersion(String version) {
    if (version == null || !VERSION.matcher(version).matches() || CURRENT.equals(version)) {
      throw new IllegalArgumentException(
          "--version "
              + version
              + ": expected letters, digits, '.', '_' or '-' (at most 64), such as 1.4.2 or "
              + "2026-12-01.1; '"
              + CURRENT
              + "' is the checkout's build");
    }
    return version;
  }

  /**
   * Snapshots {@code moduleDir}'s build (its {@code target/classes} and {@code
   * target/classpath.txt}) and {@code configOverlay} as {@code service}'s release {@code version}.
   *
   * @throws IllegalArgumentException for a bad version, an existing release, a config overlay that
   *     is not HOCON, or a module that is not built (each naming what to fix)
   */
  public ReleaseInfo create(
      String service, String moduleDir, String version, Optional<Path> configOverlay) {
    requireNonNull(service, "service");
    requireNonNull(moduleDir, "moduleDir");
    requireNonNull(configOverlay, "configOverlay");
    Path target = directory(service, version);
    if (Files.exists(target)) {
      throw new IllegalArgumentException(
          "release "
              + version
              + " of "
              + service
              + " exists ("
              + target
              + "); releases are immutable: create another version");
    }
    String overlay = configOverlay.map(ReleaseStore::readOverlay).orElse(null);
    List<Path> classPath = currentClassPath(service, moduleDir);
    Path parent = ensure(target.getParent());
    Path building = parent.resolve("." + version + ".building-" + UUID.randomUUID());
    try {
      Path lib = Files.createDirectories(building.resolve("lib"));
      List<String> copied = new ArrayList<>();
      long bytes = 0;
      int n = 0;
      for (Path entry : classPath) {
        Path into = lib.resolve(String.format(Locale.ROOT, "%03d-%s", n++, entry.getFileName()));
        bytes += copy(entry, into);
        copied.add(target.resolve("lib").resolve(into.getFileName()).toString());
      }
      Files.writeString(
          building.resolve(CLASSPATH_FILE),
          String.join(File.pathSeparator, copied) + "\n",
          StandardCharsets.UTF_8);
      if (overlay != null) {
        Files.writeString(building.resolve(CONFIG_FILE), overlay, StandardCharsets.UTF_8);
      }
      Instant created = clock.instant();
      Properties info = new Properties();
      info.setProperty("service", service);
      info.setProperty("version", version);
      info.setProperty("created", created.toString());
      info.setProperty("module", moduleDir);
      info.setProperty("class-path-entries", Integer.toString(copied.size()));
      info.setProperty("bytes", Long.toString(bytes));
      info.setProperty(
          "config-overlay", configOverlay.map(p -> p.toAbsolutePath().toString()).orElse(""));
      try (OutputStream out = Files.newOutputStream(building.resolve(INFO_FILE))) {
        info.store(out, "squadron release");
      }
      Files.move(building, target, StandardCopyOption.ATOMIC_MOVE);
      return read(target).orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create release " + version + " of " + service, e);
    } finally {
      deleteTree(building);
    }
  }

  /** {@code service}'s releases, oldest first. */
  public List<ReleaseInfo> list(String service) {
    requireNonNull(service, "service");
    Path dir = workspace.stateDir().resolve("releases").resolve(service);
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(dir)) {
      return dirs.filter(d -> !d.getFileName().toString().startsWith("."))
          .map(ReleaseStore::read)
          .flatMap(Optional::stream)
          .sorted(Comparator.comparing(ReleaseInfo::created).thenComparing(ReleaseInfo::version))
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  /** Whether {@code service} has release {@code version} (always true for {@value #CURRENT}). */
  public boolean exists(String service, String version) {
    return CURRENT.equals(version)
        || Files.isRegularFile(directory(service, version).resolve(CLASSPATH_FILE));
  }

  private static Optional<ReleaseInfo> read(Path dir) {
    Path file = dir.resolve(INFO_FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties info = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      info.load(in);
      return Optional.of(
          new ReleaseInfo(
              info.getProperty("service", ""),
              info.getProperty("version", dir.getFileName().toString()),
              Instant.parse(info.getProperty("created", Instant.EPOCH.toString())),
              dir,
              Integer.parseInt(info.getProperty("class-path-entries", "0")),
              Long.parseLong(info.getProperty("bytes", "0")),
              info.getProperty("config-overlay", "")));
    } catch (IOException | RuntimeException e) {
      // A release someone edited by hand is listed by what can be read of it, not at all otherwise.
      return Optional.empty();
    }
  }

  /**
   * The class path the local platform starts the module's {@value #CURRENT} release with: its
   * classes, then its dependencies in order.
   */
  private List<Path> currentClassPath(String service, String moduleDir) {
    String classPath;
    try {
      classPath = new Releases(workspace).resolve(service, moduleDir, CURRENT).classPath();
    } catch (IllegalStateException notBuilt) {
      throw new IllegalArgumentException(notBuilt.getMessage(), notBuilt);
    }
    List<Path> entries = new ArrayList<>();
    for (String entry : classPath.split(Pattern.quote(File.pathSeparator))) {
      if (!entry.isBlank()) {
        Path p = Path.of(entry);
        if (!Files.exists(p)) {
          throw new IllegalArgumentException(
              moduleDir + "'s class path names " + p + ", which is missing; run ./squadron build");
        }
        entries.add(p);
      }
    }
    return entries;
  }

  private static String readOverlay(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("--config " + file + ": cannot read it (" + e + ")");
    }
    try {
      // Parsed only to refuse a broken file now rather than at every instance's start; it is
      // resolved later, over the instance's config, so substitutions may name its keys.
      ConfigFactory.parseString(
          text,
          ConfigParseOptions.defaults()
              .setSyntax(ConfigSyntax.CONF)
              .setOriginDescription(file.toString()));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("--config " + file + ": not HOCON: " + e.getMessage());
    }
    return text;
  }

  private static long copy(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
      return Files.size(to);
    }
    long[] bytes = {0};
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(file, to.resolve(from.relativize(file).toString()));
            bytes[0] += attrs.size();
            return FileVisitResult.CONTINUE;
          }
        });
    return bytes[0];
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + dir, e);
    }
  }

  private static Path ensure(Path dir) {
    try {
      return Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
