package io.squadron.deploy.cli;

import io.squadron.deploy.catalog.PlatformTopology;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.k8s.K8sManifests;
import io.squadron.deploy.local.Workspace;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code squadron manifests}: writes the Kubernetes manifests of every region from the descriptors
 * and {@code deploy/regions.conf} (commit the result; a test fails while they differ).
 */
@Command(
    name = "manifests",
    mixinStandardHelpOptions = true,
    description =
        "Generate the Kubernetes manifests (per region and deployment group) from the descriptors.")
final class ManifestsCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Output directory (default: deploy/k8s).")
  Path out;

  @Override
  public Integer call() {
    Workspace workspace = SquadronCli.workspace();
    Path dir =
        out != null ? out.toAbsolutePath() : workspace.home().resolve("deploy").resolve("k8s");
    ServiceCatalog catalog = ServiceCatalog.discover(workspace.home());
    for (String file : K8sManifests.write(catalog, PlatformTopology.read(workspace.home()), dir)) {
      System.out.println("wrote " + dir.resolve(file));
    }
    return 0;
  }
}
