package io.squadron.deploy.chaos;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.local.FleetShape;
import io.squadron.deploy.local.LocalPlatform;
import io.squadron.deploy.local.Workspace;
import io.squadron.infra.LocalInfra;
import io.squadron.infra.process.RunDir;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole chaos run: a platform of its own ({@code instances} per service in one region, in the
 * workspace's own state directory, so it never touches a platform {@code up} runs), the registered
 * journeys against it while the {@link FaultPlan} is injected in turn, then everything stopped.
 * Stores named by {@code SQUADRON_*} in {@code environment} are used as they are and not faulted.
 */
public final class Chaos {
  private Chaos() {}

  /**
   * Settings of a run.
   *
   * @param instances instances per service (at least 2, so a killed one has a sibling serving)
   * @param journeys concurrent journeys
   * @param duration how long journeys start at least (they go on until every fault is over)
   * @param journey the registered journey's name ({@code deploy/journeys.properties})
   * @param kills the services one instance of which is SIGKILLed (empty: every service)
   * @param storeKinds the store kinds faulted (empty: every kind the platform started)
   * @param outages services to stop entirely for a while, one after the other (features that do not
   *     need them must keep working)
   */
  public record Settings(
      int instances,
      int journeys,
      Duration duration,
      String journey,
      List<String> kills,
      List<String> storeKinds,
      List<String> outages) {
    public Settings {
      kills = List.copyOf(requireNonNull(kills, "kills"));
      storeKinds = List.copyOf(requireNonNull(storeKinds, "storeKinds"));
      outages = List.copyOf(requireNonNull(outages, "outages"));
      if (instances < 2) {
        throw new IllegalArgumentException("instances: " + instances + " (expected: >= 2)");
      }
      if (journeys < 1) {
        throw new IllegalArgumentException("journeys: " + journeys + " (expected: >= 1)");
      }
      requireNonNull(duration, "duration");
      requireNonNull(journey, "journey");
    }
  }

  /** Starts the platform, runs the journeys under the faults, stops the platform; the report. */
  public static ChaosRun.Report run(
      Workspace workspace, PrintStream out, Map<String, String> environment, Settings settings)
      throws IOException, InterruptedException {
    JourneyRegistry.Entry journey = JourneyRegistry.read(workspace.home()).get(settings.journey());
    out.println(
        "chaos: starting a platform of "
            + settings.instances()
            + " instances per service (state in "
            + workspace.stateDir()
            + ")");
    // The stores chaos kills and restarts live apart from every other run's: another run's
    // leftover reaper must never take them for a crashed run's (see RunDir).
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.putIfAbsent(
        LocalInfra.WORK_ROOT_ENV, RunDir.defaultRoot().resolveSibling("squadron-chaos").toString());
    try (LocalPlatform platform =
        new LocalPlatform(workspace, out, env, new FleetShape(1, settings.instances()), Set.of())) {
      // Ctrl-C or SIGTERM must not leave a platform of ten JVMs and four stores behind.
      Thread stopper = new Thread(platform::close, "chaos-stop");
      Runtime.getRuntime().addShutdownHook(stopper);
      platform.start();
      PlatformTarget target = new PlatformTarget(platform);
      List<Fault> plan =
          FaultPlan.of(target, settings.kills(), settings.storeKinds(), settings.outages());
      out.println("chaos: the faults, in turn:");
      for (Fault f : plan) {
        out.println("  - " + f.describe());
      }
      EventLog log = new EventLog(out, System.nanoTime());
      ChaosRun.Report report =
          new ChaosRun(workspace, journey, settings.journeys(), settings.duration())
              .run(target, plan, workspace.runDir(), log);
      print(report, out);
      return report;
    }
  }

  /** The faults and whether the platform recovered from each, then the journeys' summary. */
  static void print(ChaosRun.Report report, PrintStream out) {
    out.println();
    out.println("chaos: faults injected");
    report
        .faults()
        .forEach(
            (what, ok) -> out.printf("  %-62s %s%n", what, ok ? "recovered" : "NOT RECOVERED"));
    out.println("chaos: journeys " + report.summary());
  }
}
