package io.squadron.rpc.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.util.Map;

/**
 * Turns environment variables into configuration overrides with Typesafe Config's own convention,
 * so operators who know HOCON need nothing new: {@code CONFIG_FORCE_squadron_server_port=9000} sets
 * {@code squadron.server.port}; in the name after the prefix {@code _} is a dot, {@code __} a dash
 * and {@code ___} an underscore.
 *
 * <p>The environment is passed in (never read here), so tests and {@code main} decide where it
 * comes from. A variable whose name is no configuration key ({@code CONFIG_FORCE__}, {@code
 * CONFIG_FORCE_a__}) is an {@link InvalidConfigException} naming the variable.
 */
public final class EnvironmentOverrides {
  /** The prefix of every variable that overrides a configuration key. */
  public static final String PREFIX = "CONFIG_FORCE_";

  private EnvironmentOverrides() {}

  /** The overrides found in {@code environment}, as a config (empty when there are none). */
  public static Config from(Map<String, String> environment) {
    Config overrides = ConfigFactory.empty("environment overrides");
    for (Map.Entry<String, String> e : environment.entrySet()) {
      if (e.getKey().startsWith(PREFIX) && e.getKey().length() > PREFIX.length()) {
        String path = toPath(e.getKey().substring(PREFIX.length()));
        try {
          overrides =
              overrides.withValue(
                  path, ConfigValueFactory.fromAnyRef(e.getValue(), "env " + e.getKey()));
        } catch (ConfigException notAPath) {
          // Never the value: it may be a secret.
          throw new InvalidConfigException(
              e.getKey(),
              "names no configuration key ('"
                  + path
                  + "'; expected: "
                  + PREFIX
                  + "<key> with _ for '.', __ for '-' and ___ for '_', e.g. "
                  + PREFIX
                  + "squadron_server_port)");
        }
      }
    }
    return overrides;
  }

  static String toPath(String name) {
    StringBuilder path = new StringBuilder(name.length());
    int i = 0;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c != '_') {
        path.append(c);
        i++;
        continue;
      }
      int run = 0;
      while (i + run < name.length() && name.charAt(i + run) == '_') {
        run++;
      }
      // Same mapping as ConfigFactory.systemEnvironmentOverrides(): 1 -> '.', 2 -> '-', 3 -> '_'.
      path.append(run == 1 ? "." : run == 2 ? "-" : run == 3 ? "_" : "_".repeat(run));
      i += run;
    }
    return path.toString();
  }
}
