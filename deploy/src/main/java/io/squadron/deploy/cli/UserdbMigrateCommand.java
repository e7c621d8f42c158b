package io.squadron.deploy.cli;

import io.squadron.deploy.local.Workspace;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code squadron userdb-migrate advance|rollback|status}: moves userdb's live PostgreSQL -> Cassandra migration one
 * phase, refusing while any live instance still runs another phase. It runs userdb's own migration command with
 * userdb's config: by default the local platform's ({@code squadron up}), else the file given.
 */
@Command(name = "userdb-migrate", mixinStandardHelpOptions = true,
    description = "Advance, roll back or show userdb's live store migration (POSTGRES_ONLY -> CASSANDRA_ONLY).")
final class UserdbMigrateCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "ACTION", description = "advance, rollback or status")
  String action;

  @Option(names = "--config", description = "userdb's config (default: the local platform's).")
  Path config;

  @Override
  public Integer call() throws Exception {
    if (!List.of("advance", "rollback", "status").contains(action)) {
      System.err.println("ACTION must be advance, rollback or status, not '" + action + "'");
      return 64;
    }
    Workspace workspace = SquadronCli.workspace();
    Path file = config != null ? config : workspace.configFile("userdb");
    if (!Files.isRegularFile(file)) {
      System.err.println("no userdb config at " + file + ": start the platform ('./squadron up --detach') or pass "
          + "--config FILE");
      return 64;
    }
    Path module = workspace.module("userdb-service").resolve("target");
    String classpath = module.resolve("classes") + File.pathSeparator
        + Files.readString(module.resolve("classpath.txt"), StandardCharsets.UTF_8).trim();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m", "-cp", classpath,
        "io.squadron.userdb.migrate.MigrateCommand", action, "--config", file.toString()));
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }
}
