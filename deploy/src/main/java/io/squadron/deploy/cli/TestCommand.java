package io.squadron.deploy.cli;

import io.squadron.deploy.local.Workspace;
import io.squadron.infra.LocalInfra;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code squadron test}: starts the real stores the tests need once (Cassandra is the slow one) and the payment
 * provider simulator, hands their addresses to every module's test JVM through {@code SQUADRON_POSTGRES_URL},
 * {@code SQUADRON_CASSANDRA}, {@code SQUADRON_MEMCACHED}, {@code SQUADRON_KAFKA} and {@code SQUADRON_PROVIDERS_SIM},
 * runs {@code mvn -B install} (each module installed once its tests pass, so a nested build, like the new-service
 * test's, resolves the platform under test), and stops the stores whatever the build's outcome. A store whose
 * variable is already set is used as it is and not started.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
    description = "Start PostgreSQL, Cassandra, memcached, Kafka and the provider simulator, run 'mvn -B install' "
        + "against them, stop them. Other arguments go to Maven, e.g. -pl rpc-core -Dtest=SomeTest.")
final class TestCommand implements Callable<Integer> {
  // Unmatched rather than positional: Maven's own options (-pl, -Dtest=...) pass through as they are.
  @Unmatched
  List<String> mavenArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Workspace workspace = SquadronCli.workspace();
    long t0 = System.nanoTime();
    try (LocalInfra infra = LocalInfra.builder()
        .postgres(true)
        .cassandra(true)
        .memcached(true)
        .kafka(true)
        // One payment provider simulator for every module's tests (classes that fault or restart it start their own).
        .providersSim(true)
        .fromEnvironment(System.getenv())
        .build()
        .start()) {
      System.out.printf("[squadron test] stores ready in %.1f s:%n", (System.nanoTime() - t0) / 1e9);
      infra.environment().forEach((k, v) -> System.out.println("[squadron test]   " + k + "=" + redact(v)));
      List<String> command = new ArrayList<>(List.of("mvn", "-B", "install"));
      command.addAll(mavenArgs);
      ProcessBuilder maven = new ProcessBuilder(command).directory(workspace.home().toFile()).inheritIO();
      maven.environment().putAll(infra.environment());
      int exit = maven.start().waitFor();
      System.out.printf("[squadron test] mvn exited with %d after %.1f s in all%n", exit,
          (System.nanoTime() - t0) / 1e9);
      return exit;
    }
  }

  private static String redact(String value) {
    return value.replaceAll("password=[^&]*", "password=***");
  }
}
