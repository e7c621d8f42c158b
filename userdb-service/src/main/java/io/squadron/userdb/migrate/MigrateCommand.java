package io.squadron.userdb.migrate;

import com.typesafe.config.Config;
import io.squadron.migration.InstanceReport;
import io.squadron.migration.MigrationController;
import io.squadron.migration.Phase;
import io.squadron.migration.jdbc.JdbcControlStore;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.store.postgres.PostgresStore;
import io.squadron.userdb.api.UserdbSettings;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;

/**
 * {@code squadron userdb-migrate advance|rollback|status [--config FILE]}: moves userdb's PostgreSQL -> Cassandra
 * migration one phase forward or back, or shows where it is. Reads the same configuration as userdb itself (the
 * control record is in userdb's PostgreSQL database). Refuses to change the phase until every live instance runs the
 * current one, to leave {@code BACKFILL} before the backfill has finished, and to roll back from
 * {@code CASSANDRA_ONLY}.
 *
 * <p>Exit status: 0 done (or status shown), 2 refused (the reason is printed), 64 usage error.
 */
public final class MigrateCommand {
  private MigrateCommand() {}

  public static void main(String[] args) {
    if (args.length < 1 || !Arrays.asList("advance", "rollback", "status").contains(args[0])) {
      System.err.println("usage: userdb-migrate advance|rollback|status [--config FILE]");
      System.exit(64);
    }
    Config config = ConfigLoader.fromArgs(Arrays.copyOfRange(args, 1, args.length), System.getenv());
    System.exit(run(args[0], config, System.out));
  }

  /** Runs {@code command} against the migration configured in {@code config}; returns the exit status. */
  public static int run(String command, Config config, PrintStream out) {
    UserdbSettings.Migration m = UserdbSettings.from(config).migration();
    PostgresSettings pg = PostgresSettings.from(config).withPoolSize(1);
    try (PostgresStore postgres = PostgresStore.open(pg, "userdb-migrate", null)) {
      MigrationController controller = new MigrationController(JdbcControlStore.create(postgres.dataSource()), m.name(),
          m.liveness(), Clock.systemUTC());
      return run(command, controller, out);
    }
  }

  /** Runs {@code command} with {@code controller}; returns the exit status. */
  public static int run(String command, MigrationController controller, PrintStream out) {
    switch (command) {
      case "status" -> {
        print(controller.status(), out);
        return 0;
      }
      case "advance", "rollback" -> {
        MigrationController.Outcome outcome = command.equals("advance") ? controller.advance() : controller.rollback();
        out.println((outcome.changed() ? "ok: " : "refused: ") + label(outcome.message()));
        return outcome.changed() ? 0 : 2;
      }
      default -> {
        out.println("unknown command " + command + " (expected: advance, rollback or status)");
        return 64;
      }
    }
  }

  private static void print(MigrationController.Status status, PrintStream out) {
    out.println("phase: " + label(status.record().phase()) + " (epoch " + status.record().epoch() + ", since "
        + status.record().changedAt() + ")");
    out.println("instances: " + status.live().size() + " live" + (status.settled() ? ", all on this phase"
        : ", " + status.lagging().size() + " not yet"));
    for (InstanceReport r : status.live()) {
      out.println("  " + r.instanceId() + " " + label(r.phase()) + " epoch " + r.epoch() + " at " + r.reportedAt());
    }
    out.println("backfill: " + status.backfill().copied() + " rows copied, " + status.backfill().mismatches()
        + " mismatches, " + (status.backfill().done() ? "done" : "not done")
        + status.backfill().cursor().map(c -> ", after id " + c).orElse(""));
  }

  static String label(Phase phase) {
    return phase.label("postgres", "cassandra");
  }

  private static String label(String message) {
    String s = message;
    for (Phase p : Phase.values()) {
      s = s.replace(p.name(), label(p));
    }
    return s;
  }
}
