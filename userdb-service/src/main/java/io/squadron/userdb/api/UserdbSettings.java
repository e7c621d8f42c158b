package io.squadron.userdb.api;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;
import java.util.Locale;

/**
 * userdb's own settings ({@code squadron.userdb}); the stores' are in
 * store-support's {@link io.squadron.store.postgres.PostgresSettings} ({@code squadron.stores.postgres}) and
 * {@link io.squadron.store.cassandra.CassandraSettings} ({@code squadron.stores.cassandra}).
 *
 * @param store which store serves: {@code postgres}, {@code cassandra}, or {@code migrating} (both, routed by the
 *     migration's phase)
 * @param migration the migration's settings (used with {@code migrating})
 */
public record UserdbSettings(StoreMode store, Migration migration) {
  /** Which store serves. */
  public enum StoreMode {
    /** PostgreSQL only, no migration. */
    POSTGRES,
    /** Cassandra only, no migration. */
    CASSANDRA,
    /** Both, routed by the live migration's phase. */
    MIGRATING
  }

  /**
   * The live migration ({@code squadron.userdb.migration}).
   *
   * @param name the control record's name
   * @param instanceId this instance's id in reports; blank: random
   * @param pollInterval how often the control record is read
   * @param liveness instances silent for longer count as gone
   * @param backfillRowsPerSecond the backfill's pace
   * @param backfillPageSize rows per backfill page and checkpoint
   * @param backfillLeaseTtl how long a backfill owner may be silent before another takes over
   */
  public record Migration(String name, String instanceId, Duration pollInterval, Duration liveness,
      int backfillRowsPerSecond, int backfillPageSize, Duration backfillLeaseTtl) {
    public Migration {
      requireNonNull(name, "name");
      requireNonNull(instanceId, "instanceId");
      requireNonNull(pollInterval, "pollInterval");
      requireNonNull(liveness, "liveness");
      requireNonNull(backfillLeaseTtl, "backfillLeaseTtl");
    }
  }

  public UserdbSettings {
    requireNonNull(store, "store");
    requireNonNull(migration, "migration");
  }

  /** Reads {@code squadron.userdb}. */
  public static UserdbSettings from(Config root) {
    ConfigReader u = ConfigReader.at(root, "squadron.userdb");
    StoreMode mode;
    try {
      mode = StoreMode.valueOf(u.nonEmptyString("store").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(u.key("store"), "expected postgres, cassandra or migrating");
    }
    ConfigReader m = u.child("migration");
    return new UserdbSettings(mode, new Migration(m.nonEmptyString("name"), m.string("instance-id"),
        m.positiveDuration("poll-interval"), m.positiveDuration("liveness"),
        m.intInRange("backfill.rows-per-second", 1, 1_000_000), m.intInRange("backfill.page-size", 1, 10_000),
        m.positiveDuration("backfill.lease-ttl")));
  }
}
