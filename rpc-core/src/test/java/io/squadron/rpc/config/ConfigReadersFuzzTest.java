package io.squadron.rpc.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import io.squadron.rpc.internal.permissions.PermissionSettings;
import io.squadron.rpc.internal.ratelimit.RateLimitSettings;
import io.squadron.rpc.internal.security.SecuritySettings;
import io.squadron.rpc.server.ServerSettings;
import java.util.List;
import java.util.function.Function;

/**
 * Every typed config reader over any HOCON a file or an operator can give it: it returns settings
 * or throws {@link InvalidConfigException} naming a key, never anything else (a ConfigException, a
 * NumberFormatException, an IllegalArgumentException from a constructor would stop a service with a
 * stack trace instead of the key to fix).
 */
class ConfigReadersFuzzTest {
  /** Keys the readers know, so the fuzzer reaches past "missing" quickly; values are its own. */
  private static final List<String> KEYS =
      List.of(
          "squadron.server.host",
          "squadron.server.port",
          "squadron.server.max-inbound-message-size",
          "squadron.server.app-max-inbound-message-size",
          "squadron.server.executor-threads",
          "squadron.server.max-concurrent-calls-per-connection",
          "squadron.server.keepalive.time",
          "squadron.server.keepalive.timeout",
          "squadron.server.keepalive.permit-time",
          "squadron.server.connection.max-idle",
          "squadron.server.connection.max-age",
          "squadron.server.connection.max-age-grace",
          "squadron.server.readiness-interval",
          "squadron.server.shutdown.grace-period",
          "squadron.server.shutdown.drain-delay",
          "squadron.server.metrics.percentiles",
          "squadron.server.metrics.min-expected",
          "squadron.server.metrics.max-expected",
          "squadron.server.metrics.percentile-histogram",
          "squadron.admin.enabled",
          "squadron.admin.host",
          "squadron.admin.port",
          "squadron.admin.request-timeout",
          "squadron.admin.max-connections",
          "squadron.admin.actions.host",
          "squadron.admin.actions.port",
          "squadron.security.mode",
          "squadron.security.service-name",
          "squadron.security.trust-domain",
          "squadron.security.cert-dir",
          "squadron.security.ca-file",
          "squadron.security.caller-header",
          "squadron.security.apps",
          "squadron.security.apps.ios.token-sha256",
          "squadron.security.server-identities",
          "squadron.security.certificate-check-interval",
          "squadron.permissions.policy",
          "squadron.permissions.policy.\"a.B\"",
          "squadron.permissions.policy.\"a.B/C\"",
          "squadron.permissions.file",
          "squadron.permissions.watch-interval",
          "squadron.rate-limits.default.rate",
          "squadron.rate-limits.default.burst",
          "squadron.rate-limits.overrides",
          "squadron.rate-limits.idle-expiry",
          "squadron.rate-limits.file",
          "squadron.clients",
          "squadron.clients.x.addresses",
          "squadron.clients.x.target",
          "squadron.clients.x.deadline",
          "squadron.clients.x.methods",
          "squadron.clients.x.load-balancing-config",
          "squadron.client-defaults.deadline",
          "squadron.client-defaults.max-inbound-message-size",
          "squadron.service",
          "squadron.service.name",
          "squadron.service.main-class",
          "squadron.service.grpc-services",
          "squadron.service.permissions",
          "squadron.service.stores",
          "squadron.service.calls",
          "squadron.service.resources.heap",
          "squadron.service.scaling.min-instances",
          "squadron.service.secrets",
          "squadron.service.store-migration",
          "squadron.service.deployment-groups");

  private static final List<Function<Config, ?>> READERS =
      List.of(
          ServerSettings::from,
          SecuritySettings::from,
          PermissionSettings::from,
          RateLimitSettings::from,
          ClientsSettings::from,
          root -> ServiceDescriptor.fromConfig(root.getConfig("squadron")));

  @FuzzTest(maxDuration = "10s")
  void everyReader_returnsSettingsOrNamesTheBadKey(FuzzedDataProvider data) {
    StringBuilder hocon =
        new StringBuilder("squadron.security { mode = plaintext-dev, service-name = fuzz }\n")
            .append("squadron.service { name = fuzz, main-class = a.B, grpc-services = [a.B] }\n");
    int lines = data.consumeInt(0, 8);
    for (int i = 0; i < lines; i++) {
      hocon.append(data.pickValue(KEYS)).append(" = ").append(data.consumeString(80)).append('\n');
    }
    hocon.append(data.consumeRemainingAsString());
    Config overrides;
    try {
      overrides = ConfigFactory.parseString(hocon.toString());
    } catch (ConfigException notHocon) {
      return; // ConfigLoader turns a file that does not parse into InvalidConfigException (covered
      // by its tests)
    }
    Config root;
    try {
      root = ConfigLoader.withOverrides(overrides);
    } catch (InvalidConfigException e) {
      return;
    }
    for (Function<Config, ?> reader : READERS) {
      try {
        assertThat(reader.apply(root)).isNotNull();
      } catch (InvalidConfigException e) {
        assertThat(e.key()).isNotBlank();
        assertThat(e.getMessage()).startsWith(e.key() + ": ");
      }
    }
  }
}
