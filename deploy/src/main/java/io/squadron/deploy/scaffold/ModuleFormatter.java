package io.squadron.deploy.scaffold;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Brings a generated module to the project's code format ({@code mvn spotless:apply} on it), so it
 * passes the format check in {@code verify} from the start. The templates hold readable Java, not
 * formatter output: the formatter owns line wrapping, so a template never has to track its rules.
 */
public final class ModuleFormatter {
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private final Path home;

  /** A formatter for modules of the checkout at {@code home}. */
  public ModuleFormatter(Path home) {
    this.home = requireNonNull(home, "home");
  }

  /**
   * Formats {@code module} (a directory under the checkout, e.g. {@code playlist-service}).
   *
   * @throws IllegalStateException when Maven fails or takes longer than 5 minutes (its output in
   *     the message)
   */
  public void format(String module) {
    requireNonNull(module, "module");
    List<String> command = List.of("mvn", "-B", "-q", "-nsu", "spotless:apply", "-pl", module);
    try {
      Process p =
          new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("formatting " + module + " took longer than " + TIMEOUT);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "formatting "
                + module
                + " failed ("
                + String.join(" ", command)
                + "):\n"
                + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run Maven to format " + module, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted formatting " + module, e);
    }
  }
}
