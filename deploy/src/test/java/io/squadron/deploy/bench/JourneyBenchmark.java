package io.squadron.deploy.bench;

import io.squadron.deploy.chaos.Chaos;
import io.squadron.deploy.chaos.ChaosRun;
import io.squadron.deploy.local.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./squadron bench journey}: {@code squadron chaos} with every fault (each service's
 * instance killed, Cassandra paused, memcached and Kafka killed, PostgreSQL restarted) on a
 * platform of two instances per service with its own stores, 4 concurrent journeys for 180 s
 * (arguments: journeys, seconds). Ends with {@code BENCH journey journeys=… failed=…
 * double_charges=… lost_events=… ledger_unbalanced=… p99_ms=…}.
 */
public final class JourneyBenchmark {
  private JourneyBenchmark() {}

  public static void main(String[] args) throws Exception {
    int journeys = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 180;
    Path home = Path.of(System.getProperty("squadron.home", ".")).toAbsolutePath().normalize();
    Path state = Files.createTempDirectory("squadron-bench-journey");
    // Every store of its own, so every store fault can be injected.
    Map<String, String> environment = new HashMap<>(System.getenv());
    environment.keySet().removeIf(k -> k.startsWith("SQUADRON_"));
    long t0 = System.nanoTime();
    ChaosRun.Report report =
        Chaos.run(
            new Workspace(home, state),
            System.out,
            environment,
            new Chaos.Settings(
                2,
                journeys,
                Duration.ofSeconds(seconds),
                "platform",
                List.of(),
                List.of(),
                List.of("shuffle", "billing")));
    System.out.printf(
        "faults injected %d, recovered from %d; load average %.1f; %.0f s in all%n",
        report.faults().size(),
        report.faults().values().stream().filter(ok -> ok).count(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        (System.nanoTime() - t0) / 1e9);
    System.out.printf(
        "BENCH journey journeys=%d failed=%d double_charges=%d lost_events=%d ledger_unbalanced=%d p99_ms=%d%n",
        report.count("journeys"),
        report.count("failed"),
        report.count("double_charges"),
        report.count("lost_events"),
        report.count("ledger_unbalanced"),
        report.count("p99_ms"));
  }
}
