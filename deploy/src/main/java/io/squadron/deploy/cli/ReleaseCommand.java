package io.squadron.deploy.cli;

import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.deploy.local.Workspace;
import io.squadron.deploy.release.ReleaseInfo;
import io.squadron.deploy.release.ReleaseStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code squadron release create SERVICE --version V [--config FILE]} and {@code squadron release
 * list SERVICE}: releases a rollout can go to (a snapshot of the service's build plus a config
 * overlay).
 */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    description = "Create and list a service's releases (a build snapshot plus config).",
    subcommands = {ReleaseCommand.Create.class, ReleaseCommand.ListReleases.class})
final class ReleaseCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static Optional<ServiceModule> find(ServiceCatalog catalog, String service) {
    Optional<ServiceModule> module = catalog.find(service);
    if (module.isEmpty()) {
      System.err.println(
          "squadron release: no service '" + service + "' (services: " + catalog.names() + ")");
    }
    return module;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Snapshot SERVICE's current build (its class path, jars copied) and a config overlay as a release.")
  static final class Create implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
    String service;

    @Option(
        names = "--version",
        required = true,
        paramLabel = "V",
        description = "The release's version, e.g. 1.4.2.")
    String version;

    @Option(
        names = "--config",
        paramLabel = "FILE",
        description =
            "HOCON appended to every instance's config on this release (e.g. squadron.fault-injection).")
    Path config;

    @Override
    public Integer call() {
      Workspace workspace = SquadronCli.workspace();
      ServiceCatalog catalog = ServiceCatalog.discover(workspace.home());
      Optional<ServiceModule> module = find(catalog, service);
      if (module.isEmpty()) {
        return 2;
      }
      try {
        ReleaseInfo info =
            new ReleaseStore(workspace, Clock.systemUTC())
                .create(service, module.get().moduleDir(), version, Optional.ofNullable(config));
        System.out.printf(
            "release %s of %s: %d class path entries (%.1f MB) copied to %s%s%n",
            info.version(),
            info.service(),
            info.classPathEntries(),
            info.bytes() / 1e6,
            info.directory(),
            info.configOverlay().isEmpty() ? "" : ", config from " + info.configOverlay());
        System.out.println("  roll it out: ./squadron rollout " + service + " --to " + version);
        return 0;
      } catch (IllegalArgumentException e) {
        System.err.println("squadron release create: " + e.getMessage());
        return 2;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List SERVICE's releases.")
  static final class ListReleases implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SERVICE", description = "The service.")
    String service;

    @Override
    public Integer call() {
      Workspace workspace = SquadronCli.workspace();
      if (find(ServiceCatalog.discover(workspace.home()), service).isEmpty()) {
        return 2;
      }
      List<ReleaseInfo> releases = new ReleaseStore(workspace, Clock.systemUTC()).list(service);
      System.out.printf("%-24s %-24s %8s  %s%n", "version", "created", "MB", "config overlay");
      System.out.printf(
          "%-24s %-24s %8s  %s%n", ReleaseStore.CURRENT, "(the checkout's build)", "-", "-");
      for (ReleaseInfo r : releases) {
        System.out.printf(
            "%-24s %-24s %8.1f  %s%n",
            r.version(),
            r.created(),
            r.bytes() / 1e6,
            r.configOverlay().isEmpty() ? "-" : r.configOverlay());
      }
      return 0;
    }
  }
}
