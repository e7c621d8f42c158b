package io.squadron.userdb.api;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;
import java.util.Locale;

/**
 * userdb's own settings ({@code squadron.userdb}); the stores' are store-support's ({@code
 * squadron.stores.postgres}, {@code squadron.stores.cassandra}) and the live migration's are
 * store-migration's ({@code squadron.store-migration}).
 *
 * @param store which store serves: {@code postgres}, {@code cassandra}, or {@code migrating} (both,
 *     routed by the migration's phase)
 * @param sweepInterval how often the orphan sweeper looks ({@code orphan-sweep.interval})
 * @param sweepGrace how old an unfinished create must be before it is given up ({@code
 *     orphan-sweep.grace})
 * @param sweepBatch pending creates per sweep pass ({@code orphan-sweep.batch})
 */
public record UserdbSettings(
    StoreMode store, Duration sweepInterval, Duration sweepGrace, int sweepBatch) {
  /**
   * The shortest grace accepted: creates take seconds at most, and a grace must outlast them with a
   * wide margin.
   */
  public static final Duration MIN_SWEEP_GRACE = Duration.ofMinutes(1);

  /** Which store serves. */
  public enum StoreMode {
    /** PostgreSQL only, no migration. */
    POSTGRES,
    /** Cassandra only, no migration. */
    CASSANDRA,
    /** Both, routed by the live migration's phase. */
    MIGRATING
  }

  public UserdbSettings {
    requireNonNull(store, "store");
    requireNonNull(sweepInterval, "sweepInterval");
    requireNonNull(sweepGrace, "sweepGrace");
  }

  /** Reads {@code squadron.userdb}. */
  public static UserdbSettings from(Config root) {
    ConfigReader u = ConfigReader.at(root, "squadron.userdb");
    StoreMode store;
    try {
      store = StoreMode.valueOf(u.nonEmptyString("store").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(u.key("store"), "expected postgres, cassandra or migrating");
    }
    Duration grace = u.positiveDuration("orphan-sweep.grace");
    if (grace.compareTo(MIN_SWEEP_GRACE) < 0) {
      throw new InvalidConfigException(
          u.key("orphan-sweep.grace"),
          grace + " (expected: >= " + MIN_SWEEP_GRACE + ": far longer than any create takes)");
    }
    return new UserdbSettings(
        store,
        u.positiveDuration("orphan-sweep.interval"),
        grace,
        u.intInRange("orphan-sweep.batch", 1, 10_000));
  }
}
