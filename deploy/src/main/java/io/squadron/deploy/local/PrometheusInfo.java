package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the local platform's Prometheus is, for the commands that run beside {@code up} ({@code
 * status}, {@code down}, {@code rollout}'s canary analysis): {@code
 * .squadron/run/prometheus.properties}, written when it is ready and removed when it stops.
 *
 * @param url its base URL ({@code http://127.0.0.1:PORT}; the query API is under {@code /api/v1})
 * @param pid its process id
 * @param startMillis when the process started (epoch ms), to tell it from a later process with the
 *     same pid
 * @param targetsDir its file-based service discovery directory ({@code <service>.json} per service)
 */
public record PrometheusInfo(URI url, long pid, long startMillis, Path targetsDir) {
  private static final String FILE = "prometheus.properties";

  public PrometheusInfo {
    requireNonNull(url, "url");
    requireNonNull(targetsDir, "targetsDir");
  }

  /** The file of {@code workspace}'s platform. */
  public static Path file(Workspace workspace) {
    return workspace.runDir().resolve(FILE);
  }

  /**
   * The Prometheus of the platform running in {@code workspace}, if one was started and is still
   * running.
   */
  public static Optional<PrometheusInfo> read(Workspace workspace) {
    Path file = file(workspace);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    PrometheusInfo info =
        new PrometheusInfo(
            URI.create(p.getProperty("url")),
            Long.parseLong(p.getProperty("pid", "-1")),
            Long.parseLong(p.getProperty("start", "-1")),
            Path.of(p.getProperty("targets-dir", "")));
    return info.liveProcess().isPresent() ? Optional.of(info) : Optional.empty();
  }

  /** The Prometheus process, if it still runs. */
  public Optional<ProcessHandle> liveProcess() {
    return Processes.find(pid, startMillis);
  }

  void write(Workspace workspace) {
    Properties p = new Properties();
    p.setProperty("url", url.toString());
    p.setProperty("pid", Long.toString(pid));
    p.setProperty("start", Long.toString(startMillis));
    p.setProperty("targets-dir", targetsDir.toString());
    Path file = file(workspace);
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(out, "the local platform's Prometheus");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + tmp, e);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static void delete(Workspace workspace) {
    try {
      Files.deleteIfExists(file(workspace));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + file(workspace), e);
    }
  }
}
