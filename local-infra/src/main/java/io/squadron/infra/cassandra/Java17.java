package io.squadron.infra.cassandra;

import io.squadron.infra.InfraStartException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a Java 17 {@code java} binary: Cassandra 5.0 runs on Java 11 and 17 only (on 24+ it dies at
 * start, the SecurityManager being gone), while the build may run on a newer JDK.
 */
final class Java17 {
  private static final Path JVM_DIR = Path.of("/usr/lib/jvm");

  private Java17() {}

  /**
   * {@code configured}'s java if given; else this JVM's if it is a Java 17; else the first Java 17
   * under /usr/lib/jvm.
   */
  static Path locate(Path configured) {
    if (configured != null) {
      if (featureVersion(configured).orElse(-1) != 17) {
        throw new InfraStartException(
            "javaHome " + configured + " is not a Java 17 (Cassandra 5.0 needs 17)");
      }
      return configured.resolve("bin/java");
    }
    Path home = Path.of(System.getProperty("java.home"));
    if (Runtime.version().feature() == 17) {
      return home.resolve("bin/java");
    }
    List<Path> candidates = new ArrayList<>();
    if (Files.isDirectory(JVM_DIR)) {
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(JVM_DIR)) {
        dirs.forEach(candidates::add);
      } catch (IOException e) {
        // fall through to the error below
      }
    }
    candidates.sort(null);
    for (Path candidate : candidates) {
      if (Files.isExecutable(candidate.resolve("bin/java"))
          && featureVersion(candidate).orElse(-1) == 17) {
        return candidate.resolve("bin/java");
      }
    }
    throw new InfraStartException(
        "Cassandra 5.0 needs a Java 17 runtime: this JVM ("
            + home
            + ") is Java "
            + Runtime.version().feature()
            + " and "
            + JVM_DIR
            + " holds no Java 17. Install one with "
            + "'apt-get install -y openjdk-17-jre-headless' or name it with javaHome(...).");
  }

  /** The feature version from {@code <home>/release}'s {@code JAVA_VERSION="17.0.15"}. */
  static Optional<Integer> featureVersion(Path home) {
    try {
      for (String line : Files.readAllLines(home.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
          String feature = version.split("[.+-]")[0];
          return Optional.of(
              Integer.parseInt(feature.equals("1") ? version.split("\\.")[1] : feature));
        }
      }
    } catch (IOException | RuntimeException e) {
      // no release file: not a JDK home
    }
    return Optional.empty();
  }
}
