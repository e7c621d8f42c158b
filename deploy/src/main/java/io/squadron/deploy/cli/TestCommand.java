package io.squadron.deploy.cli;

import io.squadron.deploy.local.Workspace;
import io.squadron.deploy.testsuite.SuiteModule;
import io.squadron.deploy.testsuite.SuiteModules;
import io.squadron.deploy.testsuite.TestLanes;
import io.squadron.infra.LocalInfra;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * is already set is used as it is and not started.
 *
 * <p>{@code --lanes N} (N >= 2, no Maven arguments) instead builds and installs every module
 * without its tests ({@code mvn -B -q install -DskipTests}: compilation, formatting and dependency
 * checks), then runs the modules' tests in N lanes side by side ({@link TestLanes}: a lane takes
 * the next module, longest first by the last run, and runs its surefire executions with {@code mvn
 * -B -pl MODULE surefire:test@default-test surefire:test@fuzz-tests}): the reactor runs them one
 * module at a time in dependency order, though a module's tests need only the modules built, not
 * tested. Not the default: on a shared 2-core machine (load 15-25) two lanes were hardly faster
 * than the reactor (24 min against 28, each module ~1.7x slower) and load-sensitive tests failed
 * (RolloutEdgeTest's canary latency judgement).
 *
 * <p>Every fuzz test ({@code *FuzzTest}, one {@code @FuzzTest} each) replays its kept inputs (a
 * fixed corpus under {@code src/test/resources}) in the test phase, which bounds it to seconds;
 * {@code --fuzz-seconds N} also fuzzes each for N seconds (a JVM per fuzz test class); {@code
 * squadron fuzz} fuzzes at length.
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

  @Option(
      names = "--lanes",
      defaultValue = "1",
      description =
          "Modules whose tests run side by side, after one build of everything "
              + "(1: one 'mvn install', module after module; default: ${DEFAULT-VALUE}).")
  int lanes;

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
      int exit =
          lanes > 1 && mavenArgs.isEmpty()
              ? inLanes(workspace, infra)
              : maven(
                  workspace,
                  withFuzzSeconds(new ArrayList<>(List.of("mvn", "-B", "install"))),
                  infra);
      System.out.printf(
          "[squadron test] mvn exited with %d after %.1f s in all%n",
          exit, (System.nanoTime() - t0) / 1e9);
      return exit;
    }
  }

  private List<String> withFuzzSeconds(List<String> command) {
    if (fuzzSeconds > 0) {
      command.add("-Dfuzz.seconds=" + fuzzSeconds);
    }
    command.addAll(mavenArgs);
    return command;
  }

  /** One build without tests, then every module's tests in lanes; 0 when all passed. */
  private int inLanes(Workspace workspace, LocalInfra infra) throws Exception {
    long t0 = System.nanoTime();
    List<String> build = List.of("mvn", "-B", "-q", "install", "-DskipTests");
    System.out.println("[squadron test] " + String.join(" ", build));
    int built = maven(workspace, build, infra);
    System.out.printf(
        "[squadron test] build exited with %d after %.1f s%n",
        built, (System.nanoTime() - t0) / 1e9);
    if (built != 0) {
      return built;
    }
    List<SuiteModule> queue = SuiteModules.longestFirst(SuiteModules.discover(workspace.home()));
    System.out.printf(
        "[squadron test] tests of %d modules in %d lanes, in this order: %s%n",
        queue.size(), lanes, queue.stream().map(SuiteModule::dir).toList());
    Path logDir = workspace.stateDir().resolve("test-logs");
    // Ctrl-C (or a kill) ends the JVM while lanes wait: no lane may start another module then, and
    // the Maven builds under way stop with it.
    Set<Process> running = ConcurrentHashMap.newKeySet();
    AtomicBoolean stopping = new AtomicBoolean();
    Thread stopLanes =
        new Thread(
            () -> {
              stopping.set(true);
              running.forEach(TestCommand::destroyTree);
            },
            "stop-test-lanes");
    Runtime.getRuntime().addShutdownHook(stopLanes);
    TestLanes testLanes =
        new TestLanes(
            lanes,
            logDir,
            (module, log) -> {
              if (stopping.get()) {
                return -1;
              }
              List<String> command =
                  withFuzzSeconds(
                      new ArrayList<>(
                          List.of(
                              "mvn",
                              "-B",
                              "-pl",
                              module.dir(),
                              "surefire:test@default-test",
                              "surefire:test@fuzz-tests")));
              ProcessBuilder maven =
                  new ProcessBuilder(command)
                      .directory(workspace.home().toFile())
                      .redirectErrorStream(true)
                      .redirectOutput(log.toFile());
              maven.environment().putAll(infra.environment());
              Process process = maven.start();
              running.add(process);
              try {
                if (stopping.get()) {
                  destroyTree(process);
                }
                return process.waitFor();
              } finally {
                running.remove(process);
              }
            },
            System.out);
    List<TestLanes.Outcome> outcomes = testLanes.run(queue);
    System.out.println("[squadron test] module                          seconds  result");
    outcomes.stream()
        .sorted(Comparator.comparingDouble(TestLanes.Outcome::seconds).reversed())
        .forEach(
            o ->
                System.out.printf(
                    "[squadron test] %-30s %8.1f  %s%n",
                    o.module().dir(),
                    o.seconds(),
                    o.passed() ? "passed" : "FAILED, log " + testLanes.logOf(o.module())));
    try {
      Runtime.getRuntime().removeShutdownHook(stopLanes);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs already
    }
    return outcomes.stream().allMatch(TestLanes.Outcome::passed) ? 0 : 1;
  }

  private static void destroyTree(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
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
