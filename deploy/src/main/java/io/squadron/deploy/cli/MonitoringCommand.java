package io.squadron.deploy.cli;

import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.local.Workspace;
import io.squadron.deploy.monitoring.MonitoringFiles;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code squadron monitoring}: regenerates the SLO alert rules, their promtool tests and the
 * dashboards from the service descriptors (commit the result; a test fails while they differ).
 */
@Command(
    name = "monitoring",
    mixinStandardHelpOptions = true,
    description =
        "Generate SLO alert rules, their promtool tests and Grafana dashboards from the descriptors.")
final class MonitoringCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Where deploy/ is (default: this checkout's deploy).")
  Path out;

  @Override
  public Integer call() {
    Workspace workspace = SquadronCli.workspace();
    Path deployDir = out != null ? out.toAbsolutePath() : workspace.home().resolve("deploy");
    for (String file :
        MonitoringFiles.write(
            ServiceCatalog.discover(workspace.home()), workspace.home(), deployDir)) {
      System.out.println("wrote " + deployDir.resolve(file));
    }
    return 0;
  }
}
