package io.squadron.deploy.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.squadron.deploy.BuiltCheckout;
import io.squadron.deploy.local.Workspace;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short chaos run: two instances of every service, two concurrent journeys for 40 s (sign-up,
 * checkout with an offer code, card with 3-D Secure or SEPA, the payment event finishing the
 * session, shuffle, delete, keys shredded) while one instance of each service is SIGKILLed and
 * restarted by the supervisor, and memcached and the Kafka broker (started for this test; the other
 * stores are the shared ones when {@code ./squadron test} names them) are killed and restarted. No
 * journey may fail, nothing may be charged twice or lost, the ledger must balance.
 */
class ChaosJourneysTest {
  @Test
  @Timeout(value = 12, unit = java.util.concurrent.TimeUnit.MINUTES)
  void journeys_succeed_whileInstancesAndStoresAreKilled(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path state) throws Exception {
    Path home = BuiltCheckout.home();
    BuiltCheckout.assertEveryServiceBuilt(home);
    BuiltCheckout.assertBuilt(home, JourneyRegistry.read(home).get("platform").module());

    Map<String, String> environment = new HashMap<>(System.getenv());
    // memcached and Kafka of this test's own, so it may kill them.
    environment.remove("SQUADRON_MEMCACHED");
    environment.remove("SQUADRON_KAFKA");
    PrintStream out = System.out;
    ChaosRun.Report report =
        Chaos.run(
            new Workspace(home, state),
            out,
            environment,
            new Chaos.Settings(
                2,
                2,
                Duration.ofSeconds(30),
                "platform",
                List.of("checkout"),
                List.of("memcached", "kafka"),
                List.of("shuffle")));

    assertThat(report.faults().keySet())
        .anyMatch(f -> f.startsWith("SIGKILL one instance of checkout"))
        .anyMatch(f -> f.startsWith("kill memcached"))
        .anyMatch(f -> f.startsWith("kill kafka"))
        .anyMatch(f -> f.startsWith("stop every instance of shuffle"));
    assertThat(report.recovered()).as("recovered from every fault: %s", report.faults()).isTrue();
    assertThat(report.count("journeys")).as("journeys run: %s", report.summary()).isPositive();
    assertThat(report.count("failed")).as("failed journeys: %s", report.summary()).isZero();
    assertThat(report.count("double_charges")).isZero();
    assertThat(report.count("lost_events")).isZero();
    assertThat(report.count("ledger_unbalanced")).isZero();
    assertThat(report.journeyExit()).isZero();
  }
}
