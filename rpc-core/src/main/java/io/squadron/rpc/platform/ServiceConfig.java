package io.squadron.rpc.platform;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.descriptor.DescriptorSource;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A service's configuration: environment overrides, then the file given on the command line, then
 * the service's own {@code application.conf} (from its module only), then its descriptor, then
 * every library's {@code reference.conf}.
 *
 * <p>The descriptor contributes {@code squadron.service} (the whole descriptor), the service's
 * identity ({@code squadron.security.service-name}) and the base of its permission policy ({@code
 * squadron.permissions.policy}), to which a deployment adds callers with {@code +=}.
 */
public final class ServiceConfig {
  private ServiceConfig() {}

  /**
   * Loads the config of {@code service} for its {@code main}.
   *
   * @throws InvalidConfigException naming the bad key or file
   */
  public static Config load(
      DescriptorSource service, Optional<Path> file, Map<String, String> environment) {
    return ConfigLoader.load(file, environment, defaults(service));
  }

  /** The config of {@code service} with {@code overrides} on top (tests, tools). */
  public static Config withOverrides(DescriptorSource service, Config overrides) {
    return ConfigLoader.withOverrides(requireNonNull(overrides, "overrides"), defaults(service));
  }

  /** The service's own defaults: its {@code application.conf} over what its descriptor says. */
  static Config defaults(DescriptorSource service) {
    requireNonNull(service, "service");
    Config own =
        service.sibling("application.conf").map(ServiceConfig::parse).orElse(ConfigFactory.empty());
    Map<String, Object> declared = new LinkedHashMap<>();
    declared.put("security.service-name", service.descriptor().name());
    Config fromDescriptor =
        ConfigFactory.parseMap(declared)
            .atKey("squadron")
            // fromMap keeps keys literal: a method name's dots are not a path.
            .withFallback(
                ConfigValueFactory.fromMap(Map.of("policy", service.descriptor().permissions()))
                    .toConfig()
                    .atPath("squadron.permissions"))
            .withFallback(parse(service.url()).getConfig("service").atPath("squadron.service"));
    return own.withFallback(fromDescriptor);
  }

  private static Config parse(URL url) {
    try {
      return ConfigFactory.parseURL(url, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new InvalidConfigException(url.toString(), e.getMessage());
    }
  }
}
