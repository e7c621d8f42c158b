package io.squadron.rpc.internal.permissions;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Permissions as configured under {@code squadron.permissions} (defaults in rpc-core's {@code
 * reference.conf}).
 *
 * @param policy the policy written in the config itself
 * @param file a file holding the policy instead; watched and re-read at runtime
 * @param watchInterval how often the file is checked for changes
 */
public record PermissionSettings(
    PermissionPolicy policy, Optional<Path> file, Duration watchInterval) {
  public PermissionSettings {
    requireNonNull(policy, "policy");
    requireNonNull(file, "file");
    requireNonNull(watchInterval, "watchInterval");
    if (watchInterval.isZero() || watchInterval.isNegative()) {
      throw new IllegalArgumentException("watchInterval: " + watchInterval + " (expected: > 0)");
    }
  }

  /** Reads {@code squadron.permissions}. */
  public static PermissionSettings from(Config root) {
    ConfigReader p = ConfigReader.at(root, "squadron.permissions");
    PermissionPolicy policy;
    try {
      policy =
          PermissionPolicy.fromConfig(
              root.getObject("squadron.permissions.policy"), p.key("policy"));
    } catch (com.typesafe.config.ConfigException e) {
      throw new InvalidConfigException(
          p.key("policy"), "wrong type (expected: an object of lists)");
    }
    String file = p.string("file");
    return new PermissionSettings(
        policy,
        file.isBlank() ? Optional.empty() : Optional.of(Path.of(file)),
        p.positiveDuration("watch-interval"));
  }
}
