package io.squadron.userdb.api;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.util.Locale;

/**
 * userdb's own settings ({@code squadron.userdb}); the stores' are store-support's ({@code squadron.stores.postgres},
 * {@code squadron.stores.cassandra}) and the live migration's are store-migration's ({@code squadron.store-migration}).
 *
 * @param store which store serves: {@code postgres}, {@code cassandra}, or {@code migrating} (both, routed by the
 *     migration's phase)
 */
public record UserdbSettings(StoreMode store) {
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
  }

  /** Reads {@code squadron.userdb}. */
  public static UserdbSettings from(Config root) {
    ConfigReader u = ConfigReader.at(root, "squadron.userdb");
    try {
      return new UserdbSettings(StoreMode.valueOf(u.nonEmptyString("store").toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(u.key("store"), "expected postgres, cassandra or migrating");
    }
  }
}
