package io.squadron.rpc.internal.permissions;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.internal.reload.WatchedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Keeps a {@link PermissionInterceptor} in step with a policy file. The file is HOCON holding
 * {@code policy { ... }} (or a whole service config with {@code squadron.permissions.policy}). It
 * is polled (robust to editors that replace files and to Kubernetes ConfigMap symlink swaps) and
 * re-read when its bytes change; {@link #reload()} re-reads it at once (an admin call). A file that
 * does not parse leaves the policy in force and is logged.
 */
public final class PolicyFileWatcher implements AutoCloseable {
  private final WatchedFile<PermissionPolicy> watched;

  /**
   * A watcher of {@code file} updating {@code target}; nothing is read until {@link #reload()} or
   * {@link #start}.
   */
  public PolicyFileWatcher(Path file, PermissionInterceptor target) {
    requireNonNull(target, "target");
    this.watched =
        new WatchedFile<>(file, "permission policy", PolicyFileWatcher::parse, target::update);
  }

  /** Reads the policy in {@code file}. */
  public static PermissionPolicy read(Path file) throws IOException {
    byte[] content = Files.readAllBytes(file);
    return parse(file, content);
  }

  /**
   * Re-reads the file now and applies it when it changed.
   *
   * @return true when a new policy was applied
   * @throws InvalidConfigException or IOException when the file is unreadable or invalid (the old
   *     policy stays)
   */
  public boolean reload() throws IOException {
    return watched.reload();
  }

  /** Polls the file every {@code interval} on a daemon thread. */
  public PolicyFileWatcher start(Duration interval) {
    watched.start(interval);
    return this;
  }

  /** Stops polling. */
  @Override
  public void close() {
    watched.close();
  }

  private static PermissionPolicy parse(Path file, byte[] content) {
    Config config;
    try {
      config =
          ConfigFactory.parseString(
                  new String(content, StandardCharsets.UTF_8),
                  ConfigParseOptions.defaults().setOriginDescription(file.toString()))
              .resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException(file.toString(), "does not parse: " + e.getMessage());
    }
    String path =
        config.hasPath("squadron.permissions.policy") ? "squadron.permissions.policy" : "policy";
    if (!config.hasPath(path)) {
      throw new InvalidConfigException(file + ": policy", "missing (expected: policy { ... })");
    }
    try {
      return PermissionPolicy.fromConfig(config.getObject(path), file + ": " + path);
    } catch (ConfigException e) {
      throw new InvalidConfigException(
          file + ": " + path, "wrong type (expected: an object of lists)");
    }
  }
}
