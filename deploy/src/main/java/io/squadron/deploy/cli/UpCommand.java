package io.squadron.deploy.cli;

import io.squadron.deploy.local.FleetShape;
import io.squadron.deploy.local.LocalPlatform;
import io.squadron.deploy.local.RunState;
import io.squadron.deploy.local.Workspace;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code squadron up [--regions R] [--instances N]}: starts the platform as a fleet of instances
 * (see {@link FleetShape}), prints each instance's address and metrics URL, runs each service's
 * demo, then supervises it until Ctrl-C: crashed instances are restarted with backoff, and changes
 * to the desired state ({@code .squadron/run/desired.json}) are applied. With {@code --detach} a
 * background supervisor does the same until {@code squadron down}.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description =
        "Start the platform on this machine, show it working, run until Ctrl-C (or --detach).")
final class UpCommand implements Callable<Integer> {
  @Option(
      names = "--detach",
      description = "Leave the platform running in the background; stop it with 'down'.")
  boolean detach;

  @Option(
      names = "--regions",
      paramLabel = "R",
      defaultValue = "1",
      description =
          "Regions (default 1: region 'local', group a; 2 or more: region-1..R, groups a and b each).")
  int regions;

  @Option(
      names = "--instances",
      paramLabel = "N",
      defaultValue = "1",
      description = "Instances of each service per region and deployment group (default 1).")
  int instances;

  @Option(
      names = "--supervise",
      hidden = true,
      description = "Internal: the background supervisor of --detach.")
  boolean supervise;

  @Override
  public Integer call() throws Exception {
    Workspace workspace = SquadronCli.workspace();
    Optional<RunState> existing = RunState.read(workspace.stateFile());
    if (existing.isPresent() && existing.get().liveSupervisor().isPresent()) {
      System.out.println(
          "The platform is already running (supervisor pid "
              + existing.get().supervisorPid()
              + "); './squadron status' shows it, './squadron down' stops it.");
      return 1;
    }
    FleetShape shape;
    try {
      shape = new FleetShape(regions, instances);
    } catch (IllegalArgumentException e) {
      System.err.println("squadron up: " + e.getMessage());
      return 2;
    }
    if (detach) {
      return detach(workspace, shape);
    }
    return runInForeground(workspace, shape, supervise);
  }

  private static int runInForeground(Workspace workspace, FleetShape shape, boolean supervised)
      throws InterruptedException, IOException {
    System.out.println(
        "Starting the Squadron platform (each instance is its own process; "
            + shape.regions()
            + " region(s) x "
            + shape.groups().size()
            + " group(s) x "
            + shape.instances()
            + " instance(s) of each service):");
    LocalPlatform platform =
        new LocalPlatform(workspace, System.out, System.getenv(), shape, Set.of());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("Stopping the platform...");
                  platform.close();
                  stopped.countDown();
                },
                "squadron-down"));
    try {
      platform.start();
    } catch (RuntimeException e) {
      System.out.println("FAILED to start: " + e.getMessage());
      return 1;
    }
    System.out.println("Demo calls:");
    boolean ok = platform.demo();
    System.out.println(
        ok ? "The platform is up." : "The platform is up, but a demo call failed (see above).");
    platform.printHowToCall();
    if (supervised) {
      Files.writeString(
              readyMarker(workspace),
              Long.toString(ProcessHandle.current().pid()),
              StandardCharsets.UTF_8,
              java.nio.file.StandardOpenOption.CREATE,
              java.nio.file.StandardOpenOption.TRUNCATE_EXISTING,
              java.nio.file.StandardOpenOption.WRITE)
          .toFile()
          .deleteOnExit();
    } else {
      System.out.println(
          "Running until Ctrl-C; the supervisor restarts crashed instances and follows "
              + platform.desiredState().path()
              + ". Logs: "
              + workspace.runDir().resolve("logs"));
    }
    stopped.await();
    return ok ? 0 : 1;
  }

  private static int detach(Workspace workspace, FleetShape shape)
      throws IOException, InterruptedException {
    Path log = workspace.runDir().resolve("up.log");
    Path marker = readyMarker(workspace);
    Files.deleteIfExists(marker);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-Dsquadron.home=" + workspace.home());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SquadronCli.class.getName());
    command.add("up");
    command.add("--supervise");
    command.add("--regions=" + shape.regions());
    command.add("--instances=" + shape.instances());
    Process supervisor =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"))
            .start();
    long deadline =
        System.nanoTime()
            + 600_000_000_000L; // Cassandra alone took 145 s on a loaded 2-core machine
    while (System.nanoTime() < deadline && supervisor.isAlive() && !Files.exists(marker)) {
      Thread.sleep(200);
    }
    System.out.print(Files.readString(log, StandardCharsets.UTF_8));
    if (!supervisor.isAlive() || !Files.exists(marker)) {
      supervisor.destroy();
      System.out.println("FAILED: the platform did not come up; log: " + log);
      return 1;
    }
    System.out.println(
        "Detached (supervisor pid "
            + supervisor.pid()
            + "). './squadron status' shows it, "
            + "'./squadron down' stops it. Log: "
            + log);
    return 0;
  }

  private static Path readyMarker(Workspace workspace) {
    return workspace.runDir().resolve("up.ready");
  }
}
