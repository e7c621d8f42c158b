package io.squadron.migration;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;

/**
 * A service's live store migration: its name and stores from the descriptor ({@code
 * squadron.service.store-migration}) and how it runs from {@code squadron.store-migration}
 * (defaults in this module's {@code reference.conf}).
 *
 * @param name the control record's name; every instance of the service watches it
 * @param source the store kind it moves from (for labels, e.g. {@code postgres})
 * @param target the store kind it moves to
 * @param instanceId this instance's id in reports; blank: the service name and a random UUID
 * @param pollInterval how often the control record is read
 * @param liveness instances silent for longer count as gone
 * @param backfillRowsPerSecond the backfill's pace
 * @param backfillPageSize rows per backfill page and checkpoint
 * @param backfillLeaseTtl how long a backfill owner may be silent before another takes over
 */
public record MigrationSettings(
    String name,
    String source,
    String target,
    String instanceId,
    Duration pollInterval,
    Duration liveness,
    int backfillRowsPerSecond,
    int backfillPageSize,
    Duration backfillLeaseTtl) {
  public MigrationSettings {
    requireNonNull(name, "name");
    requireNonNull(source, "source");
    requireNonNull(target, "target");
    requireNonNull(instanceId, "instanceId");
    requireNonNull(pollInterval, "pollInterval");
    requireNonNull(liveness, "liveness");
    requireNonNull(backfillLeaseTtl, "backfillLeaseTtl");
  }

  /**
   * Reads a service's config.
   *
   * @throws InvalidConfigException when the descriptor declares no store-migration
   */
  public static MigrationSettings from(Config root) {
    if (!root.hasPath("squadron.service.store-migration")) {
      throw new InvalidConfigException(
          "squadron.service.store-migration",
          "missing (expected: the descriptor's " + "store-migration { name, source, target })");
    }
    ConfigReader d = ConfigReader.at(root, "squadron.service.store-migration");
    ConfigReader m = ConfigReader.at(root, "squadron.store-migration");
    return new MigrationSettings(
        d.nonEmptyString("name"),
        d.nonEmptyString("source"),
        d.nonEmptyString("target"),
        m.string("instance-id"),
        m.positiveDuration("poll-interval"),
        m.positiveDuration("liveness"),
        m.intInRange("backfill.rows-per-second", 1, 1_000_000),
        m.intInRange("backfill.page-size", 1, 10_000),
        m.positiveDuration("backfill.lease-ttl"));
  }

  /**
   * The label of {@code phase} in this migration's store names, e.g. {@code
   * DUAL_WRITE_POSTGRES_PRIMARY}.
   */
  public String label(Phase phase) {
    return phase.label(source, target);
  }
}
