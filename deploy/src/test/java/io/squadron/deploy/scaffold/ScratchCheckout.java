package io.squadron.deploy.scaffold;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A scratch copy of this repository's tracked files (what a fresh clone holds), where a service is
 * generated and built with Maven, as a squad would do it, without touching the real checkout.
 */
public final class ScratchCheckout implements AutoCloseable {
  private final Path root;

  private ScratchCheckout(Path root) {
    this.root = root;
  }

  /** Copies the tracked files of the repository that contains the working directory. */
  public static ScratchCheckout ofThisRepository() throws IOException {
    String declared = System.getProperty("squadron.home"); // set by ./squadron for benchmarks
    Path home =
        repositoryRoot(
            declared != null ? Path.of(declared).toAbsolutePath() : Path.of("").toAbsolutePath());
    Path copy = Files.createTempDirectory("squadron-scratch-");
    String files = run(home, List.of("git", "ls-files", "-z"), Duration.ofMinutes(1)).output();
    for (String file : files.split("\0")) {
      if (file.isEmpty()) {
        continue;
      }
      Path source = home.resolve(file);
      if (Files.isRegularFile(source)) { // a deleted, not yet committed file is still listed
        Path target = copy.resolve(file);
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    // The same local Maven repository as this build (a worktree may name its own), so the
    // platform's modules
    // installed by this build are the ones the generated service builds against.
    Path mavenConfig = home.resolve(".mvn/maven.config");
    if (Files.isRegularFile(mavenConfig)) {
      Files.createDirectories(copy.resolve(".mvn"));
      Files.copy(mavenConfig, copy.resolve(".mvn/maven.config"));
    }
    return new ScratchCheckout(copy);
  }

  static Path repositoryRoot(Path from) {
    for (Path dir = from; dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("squadron"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("not inside the Squadron repository: " + from);
  }

  /** The copy's root. */
  public Path root() {
    return root;
  }

  /**
   * What a command printed (stdout and stderr together) and its exit status; {@code timedOut} when
   * it was killed.
   */
  public record Result(int exit, String output, boolean timedOut) {
    /** The output's last {@code n} lines, for a failure message. */
    public String tail(int n) {
      List<String> lines = output.lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
  }

  /** Runs Maven in the copy with {@code args}, killed (with its forks) after {@code timeout}. */
  public Result maven(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of("mvn", "-B", "-nsu"));
    command.addAll(List.of(args));
    return run(root, command, timeout);
  }

  /** Runs {@code command} in the copy, killed (with its children) after {@code timeout}. */
  public Result run(Duration timeout, String... command) {
    return run(root, List.of(command), timeout);
  }

  static Result run(Path dir, List<String> command, Duration timeout) {
    requireNonNull(timeout, "timeout");
    try {
      Path log = Files.createTempFile("squadron-scratch-", ".log");
      try {
        Process p =
            new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        return new Result(
            done ? p.exitValue() : -1, Files.readString(log, StandardCharsets.UTF_8), !done);
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> tree = Files.walk(root)) {
      tree.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
