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
 * Loads a service's configuration: environment overrides, then the file given on the command line, then every
 * {@code reference.conf} on the class path (each module ships its defaults there).
 *
 * <p>Only {@code main} should call this; everything below {@code main} receives typed settings objects.
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
    ClassLoader loader = ConfigLoader.class.getClassLoader();
    Config fromFile = ConfigFactory.empty();
    if (file.isPresent()) {
      Path path = file.get();
      if (!Files.isRegularFile(path)) {
        throw new InvalidConfigException("config file", path + " does not exist or is not a file");
      }
      fromFile = parse(() -> ConfigFactory.parseFile(path.toFile(),
          ConfigParseOptions.defaults().setAllowMissing(false)), path.toString());
    }
    Config merged = EnvironmentOverrides.from(environment)
        .withFallback(fromFile)
        .withFallback(parse(() -> ConfigFactory.defaultReference(loader), "reference.conf"));
    try {
      return merged.resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException("config", e.getMessage());
    }
  }

  /** Loads only the class path defaults plus {@code overrides} (for tests and embedded use). */
  public static Config withOverrides(Config overrides) {
    return overrides.withFallback(ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader())).resolve();
  }

  private static Config parse(java.util.function.Supplier<Config> parser, String what) {
    try {
      return parser.get();
    } catch (ConfigException e) {
      throw new InvalidConfigException(what, e.getMessage());
    }
  }
}
