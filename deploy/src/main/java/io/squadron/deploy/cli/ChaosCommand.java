package io.squadron.deploy.cli;

import io.squadron.deploy.chaos.Chaos;
import io.squadron.deploy.chaos.ChaosRun;
import io.squadron.deploy.local.Workspace;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code squadron chaos}: client-app journeys through a platform of its own while one instance of
 * each service is SIGKILLed (the supervisor restarts it), Cassandra is paused, memcached and Kafka
 * are killed and restarted, and PostgreSQL is restarted, in turn. It starts that platform itself,
 * in {@code .squadron/chaos} (a platform {@code up} runs is left alone: its stores belong to
 * another process, which chaos could not restart), and stops it at the end.
 */
@Command(
    name = "chaos",
    mixinStandardHelpOptions = true,
    description =
        "Run N concurrent journeys through a platform of its own (--instances per service) for a bounded time"
            + " while instances and stores are killed, paused and restarted in turn; prints what it did when and"
            + " every journey's outcome. Exit 0 when no journey failed and nothing was charged twice or lost.")
final class ChaosCommand implements Callable<Integer> {
  @Option(
      names = "--journeys",
      defaultValue = "4",
      description = "Concurrent journeys (default: ${DEFAULT-VALUE}).")
  int journeys;

  @Option(
      names = "--duration",
      defaultValue = "180",
      description =
          "Seconds during which journeys start and faults are injected (default: ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(
      names = "--instances",
      defaultValue = "2",
      description = "Instances per service (default: ${DEFAULT-VALUE}).")
  int instances;

  @Option(
      names = "--journey",
      defaultValue = "platform",
      description =
          "The journey to drive, from deploy/journeys.properties (default: ${DEFAULT-VALUE}).")
  String journey;

  @Option(
      names = "--kill",
      description =
          "SIGKILL one instance of only these services (repeatable; default: every service).")
  java.util.List<String> kills = new java.util.ArrayList<>();

  @Option(
      names = "--store-fault",
      description =
          "Fault only these store kinds (repeatable: cassandra, memcached, kafka, postgres; default: every kind"
              + " the platform started).")
  java.util.List<String> storeKinds = new java.util.ArrayList<>();

  @Option(
      names = "--outage",
      description =
          "Also stop every instance of this service for 10 s (repeatable): journeys that do not need it must"
              + " keep succeeding, the steps that need it fail fast and succeed once it is back.")
  java.util.List<String> outages = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    Workspace checkout = SquadronCli.workspace();
    Workspace own = new Workspace(checkout.home(), checkout.stateDir().resolve("chaos"));
    ChaosRun.Report report =
        Chaos.run(
            own,
            System.out,
            System.getenv(),
            new Chaos.Settings(
                instances,
                journeys,
                Duration.ofSeconds(durationSeconds),
                journey,
                kills,
                storeKinds,
                outages));
    boolean clean =
        report.recovered()
            && report.count("failed") == 0
            && report.count("double_charges") == 0
            && report.count("lost_events") == 0
            && report.count("ledger_unbalanced") == 0;
    return clean ? 0 : 1;
  }
}
