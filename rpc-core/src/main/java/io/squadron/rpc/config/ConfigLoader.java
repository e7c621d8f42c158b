package io.squadron.rpc.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a configuration, highest priority first: environment overrides, the file given on the
 * command line, the service's own defaults (its descriptor and {@code application.conf}, read from
 * its own module by {@code ServiceConfig}, never from the whole class path, so two services in one
 * test JVM do not mix), then every {@code reference.conf} on the class path (each module ships its
 * own keys' defaults there).
 *
 * <p>Only {@code main} should call this; everything below {@code main} receives typed settings
 * objects.
 */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Loads and resolves the configuration.
   *
   * @param file the file named on the command line, if any; it must exist
   * @param environment the process environment (normally {@code System.getenv()})
   * @throws InvalidConfigException when the file is missing or does not parse
   */
  public static Config load(Optional<Path> file, Map<String, String> environment) {
    return load(file, environment, ConfigFactory.empty());
  }

  /**
   * Loads and resolves the configuration with {@code serviceDefaults} between the file and the
   * libraries' defaults.
   *
   * @throws InvalidConfigException when the file is missing or does not parse, or a substitution
   *     fails
   */
  public static Config load(
      Optional<Path> file, Map<String, String> environment, Config serviceDefaults) {
    ClassLoader loader = ConfigLoader.class.getClassLoader();
    Config fromFile = ConfigFactory.empty();
    if (file.isPresent()) {
      Path path = file.get();
      if (!Files.isRegularFile(path)) {
        throw new InvalidConfigException("config file", path + " does not exist or is not a file");
      }
      fromFile =
          parse(
              () ->
                  ConfigFactory.parseFile(
                      path.toFile(), ConfigParseOptions.defaults().setAllowMissing(false)),
              path.toString());
    }
    Config merged =
        EnvironmentOverrides.from(environment)
            .withFallback(fromFile)
            .withFallback(serviceDefaults)
            .withFallback(parse(() -> ConfigFactory.defaultReference(loader), "reference.conf"));
    try {
      return merged.resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException("config", e.getMessage());
    }
  }

  /**
   * Loads with {@code --config FILE} (or {@code --config=FILE}) from {@code args}, if present.
   *
   * @throws InvalidConfigException when {@code --config} has no value or the file is missing
   */
  public static Config fromArgs(String[] args, Map<String, String> environment) {
    return load(configFile(args), environment);
  }

  /** The libraries' defaults with {@code overrides} on top (tools, tests, embedded use). */
  public static Config withOverrides(Config overrides) {
    return withOverrides(overrides, ConfigFactory.empty());
  }

  /**
   * As {@link #withOverrides(Config)} with {@code serviceDefaults} between the overrides and the
   * libraries'.
   */
  public static Config withOverrides(Config overrides, Config serviceDefaults) {
    ClassLoader loader = ConfigLoader.class.getClassLoader();
    try {
      return overrides
          .withFallback(serviceDefaults)
          .withFallback(ConfigFactory.defaultReference(loader))
          .resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException("config", e.getMessage());
    }
  }

  /**
   * The file named by {@code --config FILE} (or {@code --config=FILE}) in {@code args}, if any.
   *
   * @throws InvalidConfigException when {@code --config} has no value
   */
  public static Optional<Path> configFile(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config")) {
        if (i + 1 >= args.length) {
          throw new InvalidConfigException("--config", "no file given (expected: --config FILE)");
        }
        return Optional.of(Path.of(args[i + 1]));
      }
      if (args[i].startsWith("--config=")) {
        return Optional.of(Path.of(args[i].substring("--config=".length())));
      }
    }
    return Optional.empty();
  }

  private static Config parse(java.util.function.Supplier<Config> parser, String what) {
    try {
      return parser.get();
    } catch (ConfigException e) {
      throw new InvalidConfigException(what, e.getMessage());
    }
  }
}
