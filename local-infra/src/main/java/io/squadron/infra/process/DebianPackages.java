package io.squadron.infra.process;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a server binary that comes from a Debian package (memcached, prometheus), installing the
 * package when the binary is missing and this JVM runs as root. Not root, or told not to install, a
 * missing binary fails with the exact command to run.
 *
 * <p>Installs are serialised across JVMs by a lock file in the work root, so parallel test JVMs or
 * a test and {@code squadron up} do not race apt; apt's own lock is waited for too (another apt run
 * on the machine).
 */
public final class DebianPackages {
  private static final Logger log = LoggerFactory.getLogger(DebianPackages.class);
  private static final long INSTALL_TIMEOUT_MINUTES = 10;

  private DebianPackages() {}

  /**
   * The command that installs {@code debianPackage} (recommended packages left out: a server needs
   * none).
   */
  public static String installCommand(String debianPackage) {
    return "apt-get update && apt-get install -y --no-install-recommends -o DPkg::Lock::Timeout=300 "
        + debianPackage;
  }

  /**
   * The executable {@code binary} on {@code searchPath} (like {@code PATH}) or in /usr/bin; if
   * there is none and {@code install} is set and this JVM runs as root, installs {@code
   * debianPackage} first.
   *
   * @throws InfraStartException when it is missing and cannot be installed; the message carries the
   *     command
   */
  public static Path locate(
      String binary, String debianPackage, String searchPath, boolean install, Path workRoot) {
    requireNonNull(binary, "binary");
    requireNonNull(debianPackage, "debianPackage");
    requireNonNull(workRoot, "workRoot");
    Optional<Path> found = find(binary, searchPath);
    if (found.isPresent()) {
      return found.get();
    }
    String command = installCommand(debianPackage);
    if (!install || !Processes.runningAsRoot()) {
      throw new InfraStartException(
          binary + " is not installed. Install it with: sudo sh -c '" + command + "'");
    }
    try {
      Files.createDirectories(workRoot);
      try (FileChannel channel =
              FileChannel.open(
                  workRoot.resolve("apt.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        found = find(binary, searchPath); // another JVM may have installed it while we waited
        if (found.isEmpty()) {
          aptInstall(command, workRoot.resolve("apt-" + debianPackage + ".log"));
          found = find(binary, searchPath);
        }
      }
    } catch (IOException e) {
      throw new InfraStartException(
          "cannot install "
              + debianPackage
              + " ("
              + e.getMessage()
              + "); install it with: "
              + command,
          e);
    }
    return found.orElseThrow(
        () ->
            new InfraStartException(
                binary
                    + " is still missing after installing the "
                    + "Debian package "
                    + debianPackage
                    + "; install it with: "
                    + command));
  }

  /** The executable {@code binary} on {@code searchPath} or in /usr/bin, if there is one. */
  public static Optional<Path> find(String binary, String searchPath) {
    String path = (searchPath == null ? "" : searchPath) + File.pathSeparator + "/usr/bin";
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, binary);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static void aptInstall(String command, Path logFile) throws IOException {
    log.info("running '{}' (log: {})", command, logFile);
    long started = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder("sh", "-c", command)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
    builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process apt = builder.start();
    try {
      if (!apt.waitFor(INSTALL_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        apt.destroyForcibly();
        throw new InfraStartException(
            "'"
                + command
                + "' did not finish in "
                + INSTALL_TIMEOUT_MINUTES
                + " minutes; log tail:\n"
                + ManagedServer.tail(logFile, 20));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      apt.destroyForcibly();
      throw new InfraStartException("interrupted while running '" + command + "'", e);
    }
    if (apt.exitValue() != 0) {
      throw new InfraStartException(
          "'"
              + command
              + "' failed (exit "
              + apt.exitValue()
              + "); log tail:\n"
              + ManagedServer.tail(logFile, 20));
    }
    log.info("'{}' done in {} s", command, (System.nanoTime() - started) / 1_000_000_000);
  }
}
