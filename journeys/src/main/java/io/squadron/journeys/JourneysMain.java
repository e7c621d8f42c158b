package io.squadron.journeys;

import io.squadron.journeys.audit.Audit;
import io.squadron.journeys.platform.CheckoutHttp;
import io.squadron.journeys.platform.PlatformAccess;
import io.squadron.journeys.platform.PlatformClients;
import io.squadron.journeys.platform.ProviderSim;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Runs journeys against the running platform and prints per-journey outcomes, the step table, the
 * audit, and last a line {@code JOURNEYS journeys=… failed=… double_charges=… lost_events=…
 * ledger_unbalanced=… p99_ms=…}. Exits 0 only when every count is zero.
 *
 * <pre>
 * java -cp ... io.squadron.journeys.JourneysMain --run-dir .squadron/run [--journeys 4] [--duration 60s]
 *     [--sepa-every 4] [--finish-by event|poll] [--stop-file FILE]
 * </pre>
 */
public final class JourneysMain {
  /** The prefix of the summary line, which {@code squadron chaos} reads. */
  public static final String SUMMARY = "JOURNEYS";

  private JourneysMain() {}

  public static void main(String[] args) throws Exception {
    Path runDir = Path.of(System.getProperty("squadron.home", ".")).resolve(".squadron/run");
    int journeys = 4;
    Duration duration = Duration.ofSeconds(60);
    int sepaEvery = 4;
    boolean finishByEvent = true;
    Optional<Path> stopFile = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--run-dir" -> runDir = Path.of(value);
        case "--journeys" -> journeys = Integer.parseInt(value);
        case "--duration" -> duration = parseDuration(value);
        case "--sepa-every" -> sepaEvery = Integer.parseInt(value);
        case "--finish-by" -> finishByEvent = !value.equals("poll");
        case "--stop-file" -> stopFile = Optional.of(Path.of(value));
        default -> {
          System.err.println("unknown argument " + args[i]);
          System.exit(2);
        }
      }
      i++;
    }
    JourneySettings settings =
        new JourneySettings(
            journeys,
            duration,
            sepaEvery,
            Duration.ofSeconds(5),
            Duration.ofSeconds(120),
            Duration.ofSeconds(120),
            finishByEvent,
            stopFile);
    System.exit(run(PlatformAccess.read(runDir), settings, System.out) ? 0 : 1);
  }

  /** {@code 90s}, {@code 2m}, {@code 1500ms} or ISO-8601 ({@code PT90S}). */
  static Duration parseDuration(String text) {
    String t = text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.startsWith("pt")) {
      return Duration.parse(t);
    }
    if (t.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
    }
    if (t.endsWith("s")) {
      return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
    }
    if (t.endsWith("m")) {
      return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
    }
    throw new IllegalArgumentException("duration: '" + text + "' (expected e.g. 90s, 2m, 1500ms)");
  }

  /** Runs the journeys and the audit; true when nothing failed, was charged twice or lost. */
  static boolean run(PlatformAccess access, JourneySettings settings, PrintStream out)
      throws Exception {
    ProviderSim sim =
        new ProviderSim(
            access
                .env("SQUADRON_PROVIDERS_SIM")
                .orElseThrow(
                    () -> new IllegalArgumentException("the platform has no provider simulator")));
    CheckoutHttp checkout = new CheckoutHttp(access, "checkout", Duration.ofSeconds(10));
    try (PlatformClients clients =
        new PlatformClients(
            access,
            List.of("userdb", "checkout", "shuffle", "padlock", "billing"),
            settings.callDeadline())) {
      Journey.Collaborators with =
          new Journey.Collaborators(
              clients, checkout, sim, new SimClock(sim), settings, Retrier.system());
      out.printf(
          "journeys: %d at a time for %d s (every %s pays by SEPA), as app '%s' and operator '%s'%n",
          settings.concurrency(),
          settings.duration().toSeconds(),
          settings.sepaEvery() == 0 ? "none" : settings.sepaEvery() + "th",
          access.appName(),
          access.operator());
      JourneyDriver driver = new JourneyDriver(with, out);
      List<JourneyResult> results = driver.run();
      out.println();
      JourneyReport.print(results, out);
      long failed = results.stream().filter(r -> !r.ok()).count();
      long lost = driver.lostEvents(results, clients, checkout);
      Audit audit =
          new Audit(
              access
                  .env("SQUADRON_POSTGRES_URL")
                  .orElseThrow(
                      () -> new IllegalArgumentException("the platform has no PostgreSQL")),
              "billing",
              sim::doubleChargedReferences);
      long doubles = audit.doubleCharges();
      long unbalanced = audit.unbalancedLedgerTransactions();
      out.printf(
          "%naudit: double charges %d (simulator's references charged twice + sessions with two successful"
              + " payments), ledger %d transactions / %d unbalanced, lost events %d (payments SUCCEEDED at"
              + " billing whose session never completed)%n",
          doubles, audit.ledgerTransactions(), unbalanced, lost);
      long p99 =
          JourneyReport.quantile(results.stream().mapToLong(JourneyResult::millis).toArray(), 0.99);
      out.printf(
          "%s journeys=%d failed=%d double_charges=%d lost_events=%d ledger_unbalanced=%d p99_ms=%d%n",
          SUMMARY, results.size(), failed, doubles, lost, unbalanced, p99);
      out.flush();
      return failed == 0 && doubles == 0 && lost == 0 && unbalanced == 0;
    }
  }
}
