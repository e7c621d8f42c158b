package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.catalog.ServiceModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts a service instance as its own JVM from a release's class path (the checkout's build, or a
 * release snapshot: {@link Releases}), with a generated config file on the slot's ports, and waits
 * until {@code /readyz} answers 200.
 */
public final class ServiceLauncher {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Workspace workspace;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public ServiceLauncher(Workspace workspace) {
    this.workspace = requireNonNull(workspace, "workspace");
  }

  /**
   * A started instance: its record and its process (for its exit code).
   *
   * @param service the record
   * @param process the process
   */
  public record Launched(RunningService service, Process process) {
    public Launched {
      requireNonNull(service, "service");
      requireNonNull(process, "process");
    }
  }

  /**
   * Starts {@code service}'s {@code release} in {@code desired}'s slot and ports with {@code
   * extraConfig} (HOCON appended to the generated server block, then the release's overlay) and
   * waits for it to be ready; its heap is the one its descriptor asks for.
   *
   * @throws IllegalStateException when it exits or is not ready in time; the message carries its
   *     log tail
   */
  public Launched start(
      ServiceModule service,
      DesiredInstance desired,
      Releases.Release release,
      String extraConfig) {
    InstanceSlot slot = desired.slot();
    Path config = workspace.configFile(slot.fileName());
    // No balancer to drain locally: stop at once on 'down' (drain-delay is for a cluster's
    // endpoints to update).
    String hocon =
        "squadron.server { host = \"127.0.0.1\", port = "
            + desired.port()
            + ", shutdown { grace-period = 5s, drain-delay = 0s } }\n"
            + "squadron.admin { host = \"127.0.0.1\", port = "
            + desired.adminPort()
            + " }\n"
            + extraConfig
            + release.configOverlay().map(o -> "\n# release " + release.id() + "\n" + o).orElse("");
    Path log = workspace.logFile(slot.fileName());
    try {
      ModuleClasspath.writeConfig(config, hocon);
      Process process =
          new ProcessBuilder(
                  ModuleClasspath.javaCommand(
                      release.classPath(),
                      service.descriptor().mainClass(),
                      config,
                      service.descriptor().resources().heap()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      RunningService running =
          new RunningService(
              slot,
              service.moduleDir(),
              process.pid(),
              desired.port(),
              desired.adminPort(),
              Processes.startMillis(process.toHandle()));
      awaitReady(running, process, log);
      return new Launched(running, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + slot, e);
    }
  }

  private void awaitReady(RunningService service, Process process, Path log) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    HttpRequest ready =
        HttpRequest.newBuilder(URI.create(service.readyUrl()))
            .timeout(Duration.ofSeconds(2))
            .build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            service.slot()
                + " exited with "
                + process.exitValue()
                + " before it was ready; last lines of "
                + log
                + ":\n"
                + LogTail.of(log, 30));
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroy();
        throw new IllegalStateException("interrupted while waiting for " + service.slot(), e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroy();
        throw new IllegalStateException("interrupted while waiting for " + service.slot(), e);
      }
    }
    process.destroy();
    throw new IllegalStateException(
        service.slot()
            + " not ready after "
            + READY_TIMEOUT.toSeconds()
            + " s; last lines of "
            + log
            + ":\n"
            + LogTail.of(log, 30));
  }
}
