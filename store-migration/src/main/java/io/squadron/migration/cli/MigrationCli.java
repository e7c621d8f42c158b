package io.squadron.migration.cli;

import com.typesafe.config.Config;
import io.squadron.migration.InstanceReport;
import io.squadron.migration.MigrationController;
import io.squadron.migration.MigrationSettings;
import io.squadron.migration.Phase;
import io.squadron.migration.jdbc.JdbcControlStore;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.descriptor.DescriptorSource;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.platform.ServiceConfig;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.store.postgres.PostgresStore;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * {@code MigrationCli advance|rollback|status --service NAME [--config FILE]} (what {@code squadron
 * migrate} runs, with the service's class path): moves the service's live store migration one phase
 * forward or back, or shows where it is. Reads the service's own configuration (the control record
 * is in its PostgreSQL database). Refuses to change the phase until every live instance runs the
 * current one, to leave {@code BACKFILL} before the backfill has finished, and to roll back from
 * the target-only phase.
 *
 * <p>Exit status: 0 done (or status shown), 2 refused (the reason is printed), 64 usage error.
 */
public final class MigrationCli {
  private static final List<String> ACTIONS = List.of("advance", "rollback", "status");

  private MigrationCli() {}

  public static void main(String[] args) {
    String service = option(args, "--service");
    if (args.length < 1 || !ACTIONS.contains(args[0]) || service == null) {
      System.err.println(
          "usage: MigrationCli advance|rollback|status --service NAME [--config FILE]");
      System.exit(64);
    }
    DescriptorSource source = Platform.descriptorsOnClassPath().get(service);
    if (source == null) {
      System.err.println("no descriptor of '" + service + "' on this class path");
      System.exit(64);
    }
    try {
      Config config = ServiceConfig.load(source, ConfigLoader.configFile(args), System.getenv());
      System.exit(run(args[0], config, System.out));
    } catch (InvalidConfigException e) {
      System.err.println(e.getMessage());
      System.exit(64);
    }
  }

  /**
   * Runs {@code action} against the migration configured in {@code config}; returns the exit
   * status.
   */
  public static int run(String action, Config config, PrintStream out) {
    MigrationSettings settings = MigrationSettings.from(config);
    PostgresSettings pg =
        PostgresSettings.from(config)
            .withPoolSize(2); // Flyway holds one connection for its lock and uses another
    try (PostgresStore store = PostgresStore.open(pg, "store-migration-cli", null)) {
      MigrationController controller =
          new MigrationController(
              JdbcControlStore.create(store.dataSource()),
              settings.name(),
              settings.liveness(),
              Clock.systemUTC());
      return run(action, controller, settings, out);
    }
  }

  /** Runs {@code action} with {@code controller}; returns the exit status. */
  public static int run(
      String action, MigrationController controller, MigrationSettings settings, PrintStream out) {
    switch (action) {
      case "status" -> {
        print(controller.status(), settings, out);
        return 0;
      }
      case "advance", "rollback" -> {
        MigrationController.Outcome outcome =
            action.equals("advance") ? controller.advance() : controller.rollback();
        out.println(
            (outcome.changed() ? "ok: " : "refused: ") + labels(outcome.message(), settings));
        return outcome.changed() ? 0 : 2;
      }
      default -> {
        out.println("unknown action " + action + " (expected: advance, rollback or status)");
        return 64;
      }
    }
  }

  private static void print(
      MigrationController.Status status, MigrationSettings settings, PrintStream out) {
    out.println(
        "migration "
            + settings.name()
            + ": "
            + settings.label(status.record().phase())
            + " (epoch "
            + status.record().epoch()
            + ", since "
            + status.record().changedAt()
            + ")");
    out.println(
        "instances: "
            + status.live().size()
            + " live"
            + (status.settled()
                ? ", all on this phase"
                : ", " + status.lagging().size() + " not yet"));
    for (InstanceReport r : status.live()) {
      out.println(
          "  "
              + r.instanceId()
              + " "
              + settings.label(r.phase())
              + " epoch "
              + r.epoch()
              + " at "
              + r.reportedAt());
    }
    out.println(
        "backfill: "
            + status.backfill().copied()
            + " rows copied, "
            + status.backfill().reconciled()
            + " target rows reconciled, "
            + status.backfill().mismatches()
            + " mismatches, "
            + (status.backfill().done() ? "done" : "not done")
            + status.backfill().cursor().map(c -> ", after key " + c).orElse(""));
  }

  private static String labels(String message, MigrationSettings settings) {
    String s = message;
    for (Phase p : Phase.values()) {
      s = s.replace(p.name(), settings.label(p));
    }
    return s;
  }

  private static String option(String[] args, String name) {
    int i = Arrays.asList(args).indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : null;
  }
}
