package io.squadron.deploy.cli;

import io.squadron.deploy.catalog.PlatformTopology;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.deploy.local.DesiredStateFile;
import io.squadron.deploy.local.LocalPlatform;
import io.squadron.deploy.local.PrometheusInfo;
import io.squadron.deploy.local.Workspace;
import io.squadron.deploy.prometheus.PrometheusClient;
import io.squadron.deploy.release.ReleaseStore;
import io.squadron.deploy.rollout.Fleet;
import io.squadron.deploy.rollout.LocalFleet;
import io.squadron.deploy.rollout.Rollout;
import io.squadron.deploy.rollout.RolloutPlan;
import io.squadron.deploy.rollout.RolloutSettings;
import io.squadron.deploy.rollout.RolloutState;
import io.squadron.deploy.rollout.ServiceCallTraffic;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code squadron rollout SERVICE --to RELEASE}: canary (with a baseline started with it, judged by
 * the canary analysis) -> the rest of its group in its region -> every group of every region, on
 * the running local platform; a failure rolls back. {@code --plan} prints the steps only; {@code
 * --resume} and {@code --rollback} finish an interrupted rollout.
 *
 * <p>Exit status: 0 completed (or the plan printed), 1 rolled back, 2 usage or state error.
 */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description =
        "Roll a service out to a release: canary (against a baseline) -> its region -> every region, "
            + "group by group; rolls back on failure.")
final class RolloutCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "SERVICE",
      description = "The service (its descriptor's name).")
  String service;

  @Option(
      names = "--to",
      paramLabel = "RELEASE",
      description = "The release to roll out (./squadron release create makes one).")
  String version;

  @Option(names = "--plan", description = "Print the steps and stop.")
  boolean planOnly;

  @Option(names = "--resume", description = "Finish the unfinished rollout (of SERVICE, if given).")
  boolean resume;

  @Option(
      names = "--rollback",
      description = "Roll the unfinished rollout (of SERVICE, if given) back.")
  boolean rollback;

  @Option(
      names = "--traffic",
      paramLabel = "METHOD=JSON",
      description =
          "A call the rollout makes to its canary and baseline alike, at --rate (repeatable). Without it, "
              + "the canary gets only the traffic that reaches it by itself.")
  List<String> traffic = new ArrayList<>();

  @Option(
      names = "--rate",
      defaultValue = "20",
      paramLabel = "N",
      description = "Calls a second to each of canary and baseline with --traffic (default 20).")
  double rate;

  @Option(
      names = "--interval",
      defaultValue = "10s",
      paramLabel = "DURATION",
      description = "How often the canary is analysed (default 10s).")
  String interval;

  @Option(
      names = "--warmup",
      defaultValue = "10s",
      paramLabel = "DURATION",
      description = "Canary and baseline calls left out of the analysis at first (default 10s).")
  String warmup;

  @Option(
      names = "--health-check",
      defaultValue = "10s",
      paramLabel = "DURATION",
      description = "How long each later step is watched (default 10s).")
  String healthCheck;

  @Override
  public Integer call() throws InterruptedException {
    Workspace workspace = SquadronCli.workspace();
    ServiceCatalog catalog = ServiceCatalog.discover(workspace.home());
    Optional<ServiceModule> module = Optional.ofNullable(service).flatMap(catalog::find);
    if (service != null && module.isEmpty()) {
      System.err.println(
          "squadron rollout: no service '" + service + "' (services: " + catalog.names() + ")");
      return 2;
    }
    if (planOnly) {
      if (module.isEmpty() || version == null) {
        System.err.println("squadron rollout --plan: give SERVICE and --to RELEASE");
        return 2;
      }
      // The running platform's slots when there is one (what a rollout would take), else the
      // regions of deploy/regions.conf (a cluster's).
      List<Fleet.Instance> running =
          Files.isRegularFile(DesiredStateFile.of(workspace).path())
              ? LocalFleet.of(workspace).instances(service)
              : List.of();
      System.out.print(
          (running.isEmpty()
                  ? RolloutPlan.of(
                      module.get().descriptor(), PlatformTopology.read(workspace.home()), version)
                  : Rollout.planOf(service, version, running))
              .describe());
      return 0;
    }
    if (resume && rollback) {
      System.err.println("squadron rollout: --resume or --rollback, not both");
      return 2;
    }
    Optional<PrometheusInfo> prometheus = PrometheusInfo.read(workspace);
    if (prometheus.isEmpty()) {
      System.err.println(
          "squadron rollout: no Prometheus of a running platform (./squadron up starts one); the canary "
              + "analysis reads it");
      return 2;
    }
    RolloutSettings settings;
    List<ServiceCallTraffic.Call> calls = new ArrayList<>();
    try {
      settings =
          new RolloutSettings(
              RolloutSettings.DEFAULTS.analysis(),
              duration("--interval", interval),
              duration("--warmup", warmup),
              duration("--health-check", healthCheck),
              RolloutSettings.DEFAULTS.convergeTimeout());
      traffic.forEach(t -> calls.add(ServiceCallTraffic.Call.parse(t)));
    } catch (IllegalArgumentException e) {
      System.err.println("squadron rollout: " + e.getMessage());
      return 2;
    }
    Optional<Rollout.TrafficSource> source =
        calls.isEmpty() || module.isEmpty()
            ? Optional.empty()
            : Optional.of(
                new ServiceCallTraffic(
                    service,
                    module.get().descriptor().grpcServices(),
                    workspace.certDir(),
                    LocalPlatform.OPERATOR_IDENTITY,
                    calls,
                    rate,
                    new SplittableRandom()));
    Rollout rollout =
        new Rollout(
            workspace.stateDir().resolve("rollouts"),
            LocalFleet.of(workspace),
            new PrometheusClient(prometheus.get().url()),
            settings,
            source,
            Clock.systemUTC(),
            d -> Thread.sleep(d.toMillis()),
            System.out);
    try {
      RolloutState end;
      if (resume || rollback) {
        Optional<RolloutState> active =
            Rollout.active(workspace.stateDir().resolve("rollouts"), Optional.ofNullable(service));
        if (active.isEmpty()) {
          System.out.println("no unfinished rollout" + (service == null ? "" : " of " + service));
          return 0;
        }
        end =
            resume
                ? rollout.resume(active.get())
                : rollout.rollback(active.get(), "rolled back by the operator (--rollback)");
      } else {
        if (module.isEmpty() || version == null) {
          System.err.println(
              "squadron rollout: give SERVICE and --to RELEASE (or --resume, --rollback)");
          return 2;
        }
        if (!new ReleaseStore(workspace, Clock.systemUTC()).exists(service, version)) {
          System.err.println(
              "squadron rollout: "
                  + service
                  + " has no release "
                  + version
                  + " (./squadron release create "
                  + service
                  + " --version "
                  + version
                  + ")");
          return 2;
        }
        if (calls.isEmpty()) {
          System.out.println(
              "  (no --traffic: the canary and baseline get only the calls that reach them by themselves;"
                  + " too few and the analysis fails safe)");
        }
        end = rollout.start(service, version);
      }
      System.out.println("reports: " + rollout.directory(end.id()));
      return end.phase() == RolloutState.Phase.COMPLETED ? 0 : 1;
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("squadron rollout: " + e.getMessage());
      return 2;
    }
  }

  private static Duration duration(String option, String text) {
    try {
      return com.typesafe.config.ConfigFactory.parseString("d = \"" + text + "\"").getDuration("d");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(option + " " + text + ": expected a duration such as 10s");
    }
  }
}
