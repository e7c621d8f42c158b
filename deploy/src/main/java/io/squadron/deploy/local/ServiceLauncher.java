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
 * Starts a service as its own JVM from its module's build output ({@code target/classes} plus the
 * {@code target/classpath.txt} the build writes), with a generated config file, and waits until
 * {@code /readyz} answers 200.
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
   * Starts {@code service} with {@code extraConfig} (HOCON appended to the generated server block)
   * and waits for it to be ready; its heap is the one its descriptor asks for.
   *
   * @throws IllegalStateException when it exits or is not ready in time; the message carries its
   *     log tail
   */
  public RunningService start(ServiceModule service, String extraConfig) {
    int port = FreePorts.next();
    int adminPort = FreePorts.next();
    Path config = workspace.configFile(service.name());
    // No balancer to drain locally: stop at once on 'down' (drain-delay is for a cluster's
    // endpoints to update).
    String hocon =
        "squadron.server { host = \"127.0.0.1\", port = "
            + port
            + ", shutdown { grace-period = 5s, drain-delay = 0s } }\n"
            + "squadron.admin { host = \"127.0.0.1\", port = "
            + adminPort
            + " }\n"
            + extraConfig;
    Path log = workspace.logFile(service.name());
    try {
      ModuleClasspath.writeConfig(config, hocon);
      Process process =
          new ProcessBuilder(
                  ModuleClasspath.javaCommand(
                      workspace,
                      service.moduleDir(),
                      service.descriptor().mainClass(),
                      config,
                      service.descriptor().resources().heap()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      RunningService running =
          new RunningService(
              service.name(),
              service.moduleDir(),
              process.pid(),
              port,
              adminPort,
              Processes.startMillis(process.toHandle()));
      awaitReady(running, process, log);
      return running;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + service.name(), e);
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
            service.name()
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
        throw new IllegalStateException("interrupted while waiting for " + service.name(), e);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroy();
        throw new IllegalStateException("interrupted while waiting for " + service.name(), e);
      }
    }
    process.destroy();
    throw new IllegalStateException(
        service.name()
            + " not ready after "
            + READY_TIMEOUT.toSeconds()
            + " s; last lines of "
            + log
            + ":\n"
            + LogTail.of(log, 30));
  }
}
