package io.squadron.deploy.cli;

import io.squadron.deploy.local.Workspace;
import io.squadron.infra.LocalInfra;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * {@code squadron fuzz [--minutes N]}: starts the stores the edge fuzz tests need, then fuzzes
 * every {@code @FuzzTest} of every module for N minutes each (Jazzer's fuzzing mode, one JVM per
 * fuzz test class), without the ordinary tests. An input that fails is written under the test's
 * {@code src/test/resources/.../<Class>Inputs/<method>/}, where it stays as a regression case once
 * the bug is fixed; the corpus grows in each module's {@code .cifuzz-corpus/}.
 */
@Command(
    name = "fuzz",
    mixinStandardHelpOptions = true,
    description =
        "Fuzz every @FuzzTest for a while (Jazzer), with real stores; failing inputs are kept as "
            + "regression cases.")
final class FuzzCommand implements Callable<Integer> {
  @Option(
      names = "--minutes",
      defaultValue = "5",
      description = "Minutes per fuzz test (default: ${DEFAULT-VALUE}).")
  int minutes;

  // Unmatched rather than positional: Maven's own options (-pl rpc-core,
  // -Dtest=ConfigReadersFuzzTest) pass through.
  @Unmatched List<String> mavenArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (minutes < 1) {
      System.err.println("squadron fuzz: --minutes " + minutes + " (expected: >= 1)");
      return 2;
    }
    Workspace workspace = SquadronCli.workspace();
    try (LocalInfra infra =
        LocalInfra.builder()
            .postgres(true)
            .cassandra(true)
            .memcached(true)
            .fromEnvironment(System.getenv())
            .build()
            .start()) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "mvn",
                  "-B",
                  "test",
                  "-Dfuzz.only=true",
                  "-Dfuzz.seconds=" + minutes * 60L,
                  "-Dsurefire.failIfNoSpecifiedTests=false"));
      command.addAll(mavenArgs);
      System.out.println("[squadron fuzz] " + String.join(" ", command));
      return TestCommand.maven(workspace, command, infra);
    }
  }
}
