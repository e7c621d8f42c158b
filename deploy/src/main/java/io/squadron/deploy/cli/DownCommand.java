package io.squadron.deploy.cli;

import io.squadron.deploy.local.DesiredStateFile;
import io.squadron.deploy.local.Processes;
import io.squadron.deploy.local.PrometheusInfo;
import io.squadron.deploy.local.RunState;
import io.squadron.deploy.local.RunningService;
import io.squadron.deploy.local.Workspace;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;

/**
 * {@code squadron down}: stops a platform started with {@code up --detach} (or left over by a
 * crashed {@code up}).
 */
@Command(name = "down", mixinStandardHelpOptions = true, description = "Stop the local platform.")
final class DownCommand implements Callable<Integer> {
  @Override
  public Integer call() throws Exception {
    Workspace workspace = SquadronCli.workspace();
    Optional<RunState> state = RunState.read(workspace.stateFile());
    if (state.isEmpty()) {
      System.out.println("Nothing is running.");
      return 0;
    }
    Optional<ProcessHandle> supervisor = state.get().liveSupervisor();
    if (supervisor.isPresent()) {
      System.out.println(
          "Stopping the supervisor (pid " + supervisor.get().pid() + ") and its services...");
      supervisor.get().destroy();
      try {
        supervisor.get().onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        supervisor.get().destroyForcibly();
      }
    }
    // Whatever a crashed supervisor left behind.
    for (RunningService s : state.get().services()) {
      Optional<ProcessHandle> left = Processes.find(s.pid(), s.startMillis());
      if (left.isPresent()) {
        System.out.println("Stopping " + s.slot() + " (pid " + s.pid() + ")");
        Processes.stop(left.get(), Duration.ofSeconds(15));
      }
    }
    Optional<PrometheusInfo> prometheus = PrometheusInfo.read(workspace);
    if (prometheus.isPresent()) {
      System.out.println("Stopping prometheus (pid " + prometheus.get().pid() + ")");
      prometheus.get().liveProcess().ifPresent(p -> Processes.stop(p, Duration.ofSeconds(15)));
    }
    Files.deleteIfExists(PrometheusInfo.file(workspace));
    Files.deleteIfExists(workspace.stateFile());
    Files.deleteIfExists(DesiredStateFile.of(workspace).path());
    System.out.println("Stopped.");
    return 0;
  }
}
