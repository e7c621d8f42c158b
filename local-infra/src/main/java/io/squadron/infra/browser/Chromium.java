package io.squadron.infra.browser;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import io.squadron.infra.process.ManagedServer;
import io.squadron.infra.process.Processes;
import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debian's headless-capable Chromium and its WebDriver server, for browser tests (testkit's {@code
 * BrowserExtension} drives them through Selenium). Playwright's or Selenium Manager's own browser
 * downloads cannot work on these machines; Debian's {@code chromium} and {@code chromium-driver}
 * packages can, and their versions always match each other.
 *
 * <p>{@link #locate} finds both binaries; when either is missing and this JVM runs as root it
 * installs the packages with {@value #INSTALL_COMMAND} (once, serialised across JVMs by a lock
 * file); not root, it fails with that command.
 *
 * @param browser the {@code chromium} binary
 * @param driver the {@code chromedriver} binary
 */
public record Chromium(Path browser, Path driver) {
  private static final Logger log = LoggerFactory.getLogger(Chromium.class);

  /** What installs both on Debian. */
  public static final String INSTALL_COMMAND =
      "apt-get update && apt-get install -y chromium chromium-driver";

  public Chromium {
    requireNonNull(browser, "browser");
    requireNonNull(driver, "driver");
  }

  /**
   * The binaries in the directories of {@code searchPath} (a PATH value), installing the Debian
   * packages first when they are missing, {@code install} is set and this JVM is root.
   *
   * @param workRoot where the install's lock file and log go
   * @throws InfraStartException when they are missing and cannot be installed, naming the command
   *     that would
   */
  public static Chromium locate(String searchPath, boolean install, Path workRoot) {
    Optional<Chromium> found = find(searchPath);
    if (found.isPresent()) {
      return found.get();
    }
    if (!install || !Processes.runningAsRoot()) {
      throw new InfraStartException(
          "Chromium and its WebDriver are not installed. Install them with: sudo sh -c '"
              + INSTALL_COMMAND
              + "'");
    }
    try {
      Files.createDirectories(workRoot);
      try (FileChannel channel =
              FileChannel.open(
                  workRoot.resolve("apt.lock"),
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        found = find(searchPath); // another JVM may have installed them while we waited
        if (found.isEmpty()) {
          aptInstall(workRoot.resolve("apt-chromium.log"));
          found = find(searchPath);
        }
      }
    } catch (IOException e) {
      throw new InfraStartException(
          "cannot install Chromium (" + e.getMessage() + "); install it with: " + INSTALL_COMMAND,
          e);
    }
    return found.orElseThrow(
        () ->
            new InfraStartException(
                "Chromium is still missing after installing the Debian "
                    + "packages; install them with: "
                    + INSTALL_COMMAND));
  }

  /**
   * {@link #locate} in Debian's {@code /usr/lib/chromium} (the binary its {@code /usr/bin/chromium}
   * shell wrapper starts; the wrapper adds nothing a test needs), this process's {@code PATH} and
   * {@code /usr/bin}, installing when root, the lock file in the temp directory.
   */
  public static Chromium locate() {
    String path =
        "/usr/lib/chromium"
            + File.pathSeparator
            + System.getenv().getOrDefault("PATH", "")
            + File.pathSeparator
            + "/usr/bin";
    return locate(path, true, Path.of(System.getProperty("java.io.tmpdir"), "squadron-infra"));
  }

  /** The browser's version line, e.g. {@code Chromium 156.0.7469.0 built on Debian ...}. */
  public String version() {
    try {
      Process p =
          new ProcessBuilder(browser.toString(), "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      p.waitFor(30, TimeUnit.SECONDS);
      return out;
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown (interrupted)";
    }
  }

  private static Optional<Chromium> find(String searchPath) {
    Optional<Path> browser = binary(searchPath, List.of("chromium", "chromium-browser"));
    Optional<Path> driver = binary(searchPath, List.of("chromedriver"));
    return browser.isPresent() && driver.isPresent()
        ? Optional.of(new Chromium(browser.get(), driver.get()))
        : Optional.empty();
  }

  private static Optional<Path> binary(String searchPath, List<String> names) {
    for (String dir : (searchPath == null ? "" : searchPath).split(File.pathSeparator)) {
      for (String name : names) {
        if (!dir.isEmpty()) {
          Path candidate = Path.of(dir, name);
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return Optional.of(candidate);
          }
        }
      }
    }
    return Optional.empty();
  }

  private static void aptInstall(Path logFile) throws IOException {
    log.info("Chromium is missing: running '{}' (log: {})", INSTALL_COMMAND, logFile);
    long started = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder("sh", "-c", INSTALL_COMMAND)
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
    builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
    Process apt = builder.start();
    try {
      if (!apt.waitFor(15, TimeUnit.MINUTES)) {
        apt.destroyForcibly();
        throw new InfraStartException(
            "'"
                + INSTALL_COMMAND
                + "' did not finish in 15 minutes; log tail:\n"
                + ManagedServer.tail(logFile, 20));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      apt.destroyForcibly();
      throw new InfraStartException("interrupted while installing Chromium", e);
    }
    if (apt.exitValue() != 0) {
      throw new InfraStartException(
          "'"
              + INSTALL_COMMAND
              + "' failed (exit "
              + apt.exitValue()
              + "); log tail:\n"
              + ManagedServer.tail(logFile, 20));
    }
    log.info("Chromium installed in {} s", (System.nanoTime() - started) / 1_000_000_000);
  }
}
