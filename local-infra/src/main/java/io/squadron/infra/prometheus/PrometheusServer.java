package io.squadron.infra.prometheus;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.process.ManagedServer;
import io.squadron.infra.process.RunDir;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Prometheus server started by {@link PrometheusLauncher}. Its work directory holds {@code
 * prometheus.yml}, the TSDB ({@code data/}, kept across {@link #restart()}), the log, and {@code
 * targets/}: one file-based service discovery file per group of targets, which {@link #setTargets}
 * replaces atomically and Prometheus re-reads at once (inotify; every 5 s at the latest).
 */
public final class PrometheusServer extends ManagedServer {
  private static final Pattern GROUP = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

  private final Path binary;
  private final PrometheusConfig config;
  private final Duration retention;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  PrometheusServer(
      Path binary,
      RunDir runDir,
      int port,
      Duration startTimeout,
      PrometheusConfig config,
      Duration retention) {
    super("prometheus", runDir, port, startTimeout);
    this.binary = binary;
    this.config = config;
    this.retention = retention;
  }

  /**
   * The base URL, {@code http://127.0.0.1:PORT}: the UI, {@code /api/v1/query}, {@code /-/ready}.
   */
  public URI url() {
    return URI.create("http://" + address().getHostString() + ":" + port());
  }

  /** The configuration file the server runs with. */
  public Path configFile() {
    return workDir().resolve("prometheus.yml");
  }

  /** The directory of the file-based service discovery files ({@code <group>.json}). */
  public Path targetsDir() {
    return workDir().resolve("targets");
  }

  /**
   * Replaces the targets of {@code group} (e.g. a service's name) with {@code targets}; an empty
   * collection removes the group. The file is written atomically, as file-based discovery requires.
   *
   * @param group lower-case letters, digits, {@code . _ -}
   */
  public void setTargets(String group, Collection<ScrapeTarget> targets) {
    requireNonNull(group, "group");
    requireNonNull(targets, "targets");
    if (!GROUP.matcher(group).matches()) {
      throw new IllegalArgumentException("group: '" + group + "' (expected: [a-z0-9][a-z0-9._-]*)");
    }
    Path file = targetsDir().resolve(group + ".json");
    try {
      Files.createDirectories(targetsDir());
      if (targets.isEmpty()) {
        Files.deleteIfExists(file);
        return;
      }
      // Not *.json, so Prometheus never reads it half written.
      Path tmp = targetsDir().resolve("." + group + ".json.tmp");
      String json =
          targets.stream()
              .map(ScrapeTarget::toJson)
              .collect(Collectors.joining(",\n  ", "[\n  ", "\n]\n"));
      Files.writeString(tmp, json, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the targets of " + group + " to " + file, e);
    }
  }

  /** Makes the server re-read its configuration and rule files ({@code POST /-/reload}). */
  public void reload() {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(url().resolve("/-/reload"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .timeout(Duration.ofSeconds(30))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "prometheus at "
                + url()
                + " refused to reload (HTTP "
                + response.statusCode()
                + "): "
                + response.body().trim());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach prometheus at " + url(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reloading prometheus", e);
    }
  }

  @Override
  protected ProcessHandle launch() throws IOException {
    Files.createDirectories(targetsDir());
    Files.writeString(configFile(), config.render(targetsDir()), StandardCharsets.UTF_8);
    List<String> command =
        List.of(
            binary.toString(),
            "--config.file=" + configFile(),
            "--storage.tsdb.path=" + workDir().resolve("data"),
            "--storage.tsdb.retention.time=" + PrometheusConfig.duration(retention),
            "--web.listen-address=127.0.0.1:" + port(),
            "--web.enable-lifecycle",
            "--log.level=info");
    return new ProcessBuilder(command)
        .directory(workDir().toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start()
        .toHandle();
  }

  @Override
  protected void checkReady() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(url().resolve("/-/ready"))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "/-/ready answered " + response.statusCode() + ": " + response.body().trim());
    }
  }

  @Override
  protected Path logFile() {
    return workDir().resolve("prometheus.log");
  }
}
