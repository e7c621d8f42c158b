package io.squadron.deploy.cli;

import io.squadron.deploy.local.Workspace;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code squadron}: run the platform locally, run the tests with real stores. The {@code squadron}
 * script at the repository root builds what is missing and starts this with {@code
 * -Dsquadron.home=<checkout>}.
 */
@Command(
    name = "squadron",
    mixinStandardHelpOptions = true,
    version = "squadron 0.1.0",
    description = "Squadron: a fleet of small gRPC services.",
    subcommands = {
      UpCommand.class,
      DownCommand.class,
      StatusCommand.class,
      TestCommand.class,
      FuzzCommand.class,
      CertsCommand.class,
      MigrateCommand.class,
      CallCommand.class,
      NewServiceCommand.class,
      UpgradeServiceCommand.class,
      MonitoringCommand.class,
      ManifestsCommand.class,
      RolloutCommand.class,
      ChaosCommand.class,
      ReleaseCommand.class
    })
public final class SquadronCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The checkout this command works on. */
  static Workspace workspace() {
    String home = System.getProperty("squadron.home");
    return new Workspace(Path.of(home == null ? "." : home).toAbsolutePath().normalize());
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new SquadronCli()).execute(args));
  }
}
