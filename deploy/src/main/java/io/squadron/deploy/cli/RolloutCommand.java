package io.squadron.deploy.cli;

import io.squadron.deploy.catalog.PlatformTopology;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.deploy.local.Workspace;
import io.squadron.deploy.rollout.RolloutPlan;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code squadron rollout SERVICE --to VERSION --plan}: prints the rollout's steps from the
 * descriptor and {@code deploy/regions.conf}. Only the plan so far: running the steps (canary and
 * baseline instances, the canary analysis between steps, rollback and resume) is not built yet, and
 * the command says so rather than pretend.
 */
@Command(
    name = "rollout",
    mixinStandardHelpOptions = true,
    description =
        "Roll a service out to a new version: canary -> its region -> every region (--plan: print the "
            + "steps).")
final class RolloutCommand implements Callable<Integer> {
  @Parameters(
      index = "0",
      paramLabel = "SERVICE",
      description = "The service (its descriptor's name).")
  String service;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "VERSION",
      description = "The version to roll out.")
  String version;

  @Option(names = "--plan", description = "Print the steps and stop.")
  boolean planOnly;

  @Override
  public Integer call() {
    Workspace workspace = SquadronCli.workspace();
    ServiceCatalog catalog = ServiceCatalog.discover(workspace.home());
    ServiceModule module = catalog.find(service).orElse(null);
    if (module == null) {
      System.err.println(
          "squadron rollout: no service '" + service + "' (services: " + catalog.names() + ")");
      return 2;
    }
    RolloutPlan plan =
        RolloutPlan.of(module.descriptor(), PlatformTopology.read(workspace.home()), version);
    System.out.print(plan.describe());
    if (!planOnly) {
      System.err.println(
          "squadron rollout: running the steps is not built yet (only --plan); nothing was changed");
      return 2;
    }
    return 0;
  }
}
