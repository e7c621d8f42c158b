package io.squadron.deploy.cli;

import io.squadron.deploy.local.Processes;
import io.squadron.deploy.local.PrometheusInfo;
import io.squadron.deploy.local.RunState;
import io.squadron.deploy.local.RunningService;
import io.squadron.deploy.prometheus.PrometheusClient;
import io.squadron.deploy.prometheus.PrometheusQueryException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code squadron status}: each local service's process, address and readiness. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the local platform's services.")
final class StatusCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Optional<RunState> state = RunState.read(SquadronCli.workspace().stateFile());
    if (state.isEmpty()) {
      System.out.println("Nothing is running ('./squadron up' starts the platform).");
      return 3;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    boolean allReady = true;
    System.out.printf("%-10s %-8s %-22s %-10s %s%n", "SERVICE", "PID", "GRPC", "READY", "METRICS");
    for (RunningService s : state.get().services()) {
      boolean alive = Processes.find(s.pid(), s.startMillis()).isPresent();
      String ready = "down";
      if (alive) {
        try {
          int code =
              http.send(
                      HttpRequest.newBuilder(URI.create(s.readyUrl()))
                          .timeout(Duration.ofSeconds(2))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode();
          ready = code == 200 ? "yes" : "no (" + code + ")";
        } catch (Exception e) {
          ready = "unreachable";
        }
      }
      allReady &= ready.equals("yes");
      System.out.printf(
          "%-10s %-8d %-22s %-10s %s%n", s.name(), s.pid(), s.address(), ready, s.metricsUrl());
    }
    printPrometheus();
    return allReady ? 0 : 1;
  }

  private static void printPrometheus() {
    Optional<PrometheusInfo> info = PrometheusInfo.read(SquadronCli.workspace());
    if (info.isEmpty()) {
      return;
    }
    PrometheusClient prometheus = new PrometheusClient(info.get().url());
    String targets;
    try {
      List<PrometheusClient.Target> active = prometheus.activeTargets();
      targets =
          active.stream().filter(t -> t.health().equals("up")).count()
              + " of "
              + active.size()
              + " targets up";
    } catch (PrometheusQueryException e) {
      targets = "not answering (" + e.getMessage() + ")";
    }
    System.out.println(
        "prometheus " + info.get().url() + " (pid " + info.get().pid() + "): " + targets);
  }
}
