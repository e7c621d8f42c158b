package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.catalog.ServiceModule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * What {@code squadron up} shows of each service: the service's own demo program (named in its
 * descriptor) run against it as the operator identity, its output, and the service's metrics
 * counting the calls.
 */
final class DemoCalls {
  private static final Duration DEMO_TIMEOUT = Duration.ofSeconds(90);

  private final Workspace workspace;
  private final ServiceConfigs configs;
  private final PrintStream out;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  DemoCalls(Workspace workspace, ServiceConfigs configs, PrintStream out) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.configs = requireNonNull(configs, "configs");
    this.out = requireNonNull(out, "out");
  }

  /** Runs every service's demo; false when one failed. */
  boolean run(List<ServiceModule> services, RunState running) {
    boolean ok = true;
    for (ServiceModule service : services) {
      out.println("  " + service.name() + ":");
      if (service.descriptor().demo().isEmpty()) {
        out.println("      (its descriptor names no demo)");
        continue;
      }
      ok &= runProgram(service, service.descriptor().demo().get());
      for (InstanceStatus instance : running.instancesOf(service.name())) {
        RunningService process = instance.process();
        out.println(
            "      counted at " + process.slot().location() + " " + process.metricsUrl() + ":");
        out.println("      " + countLines(process));
      }
    }
    return ok;
  }

  private boolean runProgram(ServiceModule service, String mainClass) {
    Path config =
        ModuleClasspath.writeConfig(
            workspace.configFile("demo-" + service.name()), configs.forDemo(service.descriptor()));
    try {
      Process process =
          new ProcessBuilder(
                  ModuleClasspath.javaCommand(
                      workspace, service.moduleDir(), mainClass, config, "128m"))
              .redirectErrorStream(true)
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      try (BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          // Demo programs print their results on stdout; their log lines carry a level.
          if (!line.matches(".*\\b(INFO|DEBUG|WARN)\\b.*") && !line.startsWith("SLF4J")) {
            out.println("      " + line);
          }
        }
      }
      if (!process.waitFor(DEMO_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        out.println("      demo did not finish in " + DEMO_TIMEOUT.toSeconds() + " s");
        return false;
      }
      if (process.exitValue() != 0) {
        out.println("      demo FAILED (exit " + process.exitValue() + ")");
        return false;
      }
      return true;
    } catch (IOException e) {
      out.println("      demo FAILED: " + e.getMessage());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private String countLines(RunningService service) {
    try {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create(service.metricsUrl())).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      return body.lines()
          .filter(
              l ->
                  l.startsWith("squadron_rpc_server_duration_seconds_count")
                      && l.contains("caller=\"" + ServiceConfigs.OPERATOR_IDENTITY + "\""))
          .collect(Collectors.joining("\n      "));
    } catch (IOException e) {
      return "(metrics not readable: " + e.getMessage() + ")";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(interrupted)";
    }
  }
}
