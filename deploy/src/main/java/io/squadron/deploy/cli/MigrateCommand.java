package io.squadron.deploy.cli;

import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.deploy.local.Workspace;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code squadron migrate SERVICE advance|rollback|status}: moves a service's live store migration
 * (its descriptor's {@code store-migration}) one phase, refusing while any live instance still runs
 * another phase. It runs the store-migration library's command with the service's class path and
 * config: by default the local platform's ({@code squadron up}), else the file given.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description =
        "Advance, roll back or show a service's live store migration (e.g. POSTGRES_ONLY -> CASSANDRA_ONLY).")
final class MigrateCommand implements Callable<Integer> {
  /** The store-migration library's command line. */
  static final String MIGRATION_CLI = "io.squadron.migration.cli.MigrationCli";

  @Parameters(
      index = "0",
      paramLabel = "SERVICE",
      description = "A service whose descriptor has a store-migration.")
  String service;

  @Parameters(index = "1", paramLabel = "ACTION", description = "advance, rollback or status")
  String action;

  @Option(names = "--config", description = "The service's config (default: the local platform's).")
  Path config;

  @Override
  public Integer call() throws Exception {
    if (!List.of("advance", "rollback", "status").contains(action)) {
      System.err.println("ACTION must be advance, rollback or status, not '" + action + "'");
      return 64;
    }
    Workspace workspace = SquadronCli.workspace();
    ServiceCatalog catalog = ServiceCatalog.discover(workspace.home());
    Optional<ServiceModule> module = catalog.find(service);
    if (module.isEmpty()) {
      System.err.println("no service '" + service + "' (services: " + catalog.names() + ")");
      return 64;
    }
    if (module.get().descriptor().storeMigration().isEmpty()) {
      System.err.println(
          service
              + " declares no store-migration in its descriptor (services that do: "
              + catalog.services().stream()
                  .filter(s -> s.descriptor().storeMigration().isPresent())
                  .map(ServiceModule::name)
                  .toList()
              + ")");
      return 64;
    }
    Path file = config != null ? config : workspace.configFile(service);
    if (!Files.isRegularFile(file)) {
      System.err.println(
          "no config of "
              + service
              + " at "
              + file
              + ": start the platform ('./squadron up "
              + "--detach') or pass --config FILE");
      return 64;
    }
    Path target = workspace.module(module.get().moduleDir()).resolve("target");
    String classpath =
        target.resolve("classes")
            + File.pathSeparator
            + Files.readString(target.resolve("classpath.txt"), StandardCharsets.UTF_8).trim();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m",
                "-cp",
                classpath,
                MIGRATION_CLI,
                action,
                "--service",
                service,
                "--config",
                file.toString()));
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }
}
