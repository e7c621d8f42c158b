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
 * {@code squadron test}: starts the real stores the tests need once (Cassandra is the slow one) and
 * the payment provider simulator, hands their addresses to every module's test JVM through {@code
 * SQUADRON_POSTGRES_URL}, {@code SQUADRON_CASSANDRA}, {@code SQUADRON_MEMCACHED}, {@code
 * SQUADRON_KAFKA} and {@code SQUADRON_PROVIDERS_SIM}, runs {@code mvn -B install} (each module
 * installed once its tests pass, so a nested build, like the new-service test's, resolves the
 * platform under test), and stops the stores whatever the build's outcome. A store whose variable
 * is already set is used as it is and not started. Every fuzz test ({@code *FuzzTest}, one
 * {@code @FuzzTest} each) replays its kept inputs (a fixed corpus under {@code src/test/resources})
 * in the test phase, which bounds it to seconds; {@code --fuzz-seconds N} also fuzzes each for N
 * seconds (a JVM per fuzz test class); {@code squadron fuzz} fuzzes at length.
 */
@Command(
    name = "test",
    mixinStandardHelpOptions = true,
    description =
        "Start PostgreSQL, Cassandra, memcached, Kafka and the provider simulator, run 'mvn -B install' "
            + "against them, stop them. Other arguments go to Maven, e.g. -pl rpc-core -Dtest=SomeTest.")
final class TestCommand implements Callable<Integer> {
  // Unmatched rather than positional: Maven's own options (-pl, -Dtest=...) pass through as they
  // are.
  @Unmatched List<String> mavenArgs = new ArrayList<>();

  @Option(
      names = "--fuzz-seconds",
      defaultValue = "0",
      description =
          "Also fuzz each fuzz test class for this many seconds (coverage-guided, a JVM each); "
              + "0: replay their kept inputs only (default: ${DEFAULT-VALUE}).")
  int fuzzSeconds;

  @Override
  public Integer call() throws Exception {
    Workspace workspace = SquadronCli.workspace();
    long t0 = System.nanoTime();
    try (LocalInfra infra =
        LocalInfra.builder()
            .postgres(true)
            .cassandra(true)
            .memcached(true)
            .kafka(true)
            // One payment provider simulator for every module's tests (classes that fault or
            // restart it start their own).
            .providersSim(true)
            .fromEnvironment(System.getenv())
            .build()
            .start()) {
      System.out.printf(
          "[squadron test] stores ready in %.1f s:%n", (System.nanoTime() - t0) / 1e9);
      infra
          .environment()
          .forEach((k, v) -> System.out.println("[squadron test]   " + k + "=" + redact(v)));
      List<String> command = new ArrayList<>(List.of("mvn", "-B", "install"));
      if (fuzzSeconds > 0) {
        command.add("-Dfuzz.seconds=" + fuzzSeconds);
      }
      command.addAll(mavenArgs);
      int exit = maven(workspace, command, infra);
      System.out.printf(
          "[squadron test] mvn exited with %d after %.1f s in all%n",
          exit, (System.nanoTime() - t0) / 1e9);
      return exit;
    }
  }

  /** Runs {@code command} in the checkout with the stores' environment; its exit status. */
  static int maven(Workspace workspace, List<String> command, LocalInfra infra) throws Exception {
    ProcessBuilder maven =
        new ProcessBuilder(command).directory(workspace.home().toFile()).inheritIO();
    maven.environment().putAll(infra.environment());
    return maven.start().waitFor();
  }

  private static String redact(String value) {
    return value.replaceAll("password=[^&]*", "password=***");
  }
}
