package io.squadron.deploy.cli;

import io.squadron.deploy.local.InstanceState;
import io.squadron.deploy.local.InstanceStatus;
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

/**
 * {@code squadron status}: every local instance (service, region, group, index), its port, process,
 * release, what the supervisor last saw of it (state, restarts, last exit) and its readiness now.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show the local platform's instances.")
final class StatusCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    Optional<RunState> state = RunState.read(SquadronCli.workspace().stateFile());
    if (state.isEmpty()) {
      System.out.println("Nothing is running ('./squadron up' starts the platform).");
      return 3;
    }
    if (state.get().liveSupervisor().isEmpty()) {
      System.out.println(
          "The supervisor (pid "
              + state.get().supervisorPid()
              + ") is gone: nothing restarts crashed instances ('./squadron down' cleans up).");
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    boolean allReady = true;
    String format = "%-10s %-9s %-5s %-5s %-6s %-8s %-10s %-18s %-8s %-9s %-6s%n";
    System.out.printf(
        format,
        "SERVICE",
        "REGION",
        "GROUP",
        "INDEX",
        "PORT",
        "PID",
        "RELEASE",
        "STATE",
        "RESTARTS",
        "LAST-EXIT",
        "READY");
    for (InstanceStatus i : state.get().instances()) {
      RunningService s = i.process();
      boolean alive = s.pid() > 0 && Processes.find(s.pid(), s.startMillis()).isPresent();
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
          ready = code == 200 ? "yes" : "no(" + code + ")";
        } catch (Exception e) {
          ready = "unreachable";
        }
      }
      allReady &= ready.equals("yes");
      System.out.printf(
          format,
          s.name(),
          s.slot().region(),
          s.slot().group(),
          s.slot().index(),
          s.port(),
          alive ? Long.toString(s.pid()) : "-",
          i.release(),
          i.state() == InstanceState.CRASH_LOOP_BACKOFF ? "CrashLoopBackOff" : i.state().name(),
          i.restarts(),
          i.lastExit().map(String::valueOf).orElse("-"),
          ready);
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
