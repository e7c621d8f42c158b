package io.squadron.rpc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.server.ServerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void environmentOverridesFileOverridesDefaults() throws Exception {
    Path file = dir.resolve("service.conf");
    Files.writeString(file, "squadron.server { port = 7000, shutdown.grace-period = 3s }");

    Config config =
        ConfigLoader.load(
            Optional.of(file),
            Map.of(
                "CONFIG_FORCE_squadron_server_port", "7100",
                "CONFIG_FORCE_squadron_server_max__inbound__message__size", "1 MiB",
                "UNRELATED", "x"));
    ServerSettings settings = ServerSettings.from(config);

    assertThat(settings.port()).isEqualTo(7100);
    assertThat(settings.gracePeriod()).isEqualTo(Duration.ofSeconds(3));
    assertThat(settings.maxInboundMessageSize()).isEqualTo(1024 * 1024);
    assertThat(settings.host()).isEqualTo("127.0.0.1");
  }

  @Test
  void environmentVariableNamingNoKey_invalidConfigNamingTheVariable_notARawConfigException() {
    // Found by EnvironmentOverridesFuzzTest: CONFIG_FORCE__ maps to the path ".", which Typesafe
    // Config refuses.
    for (String name : new String[] {"CONFIG_FORCE__", "CONFIG_FORCE_a_", "CONFIG_FORCE_a__b_"}) {
      assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of(name, "secret-value")))
          .isInstanceOf(InvalidConfigException.class)
          .hasMessageStartingWith(name + ": names no configuration key")
          .hasMessageNotContaining("secret-value");
    }
  }

  @Test
  void envNameMapping_followsTypesafeConvention() {
    assertThat(EnvironmentOverrides.toPath("squadron_server_port"))
        .isEqualTo("squadron.server.port");
    assertThat(EnvironmentOverrides.toPath("a__b")).isEqualTo("a-b");
    assertThat(EnvironmentOverrides.toPath("a___b")).isEqualTo("a_b");
  }

  @Test
  void missingFile_namesIt() {
    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(dir.resolve("nope.conf")), Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("nope.conf");
  }

  @Test
  void configFlagWithoutValue_isAnError() {
    assertThatThrownBy(() -> ConfigLoader.fromArgs(new String[] {"--config"}, Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("--config");
  }

  @Test
  void badValues_failWithTheFullKey() {
    assertThatThrownBy(
            () ->
                ServerSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString("squadron.server.port = 70000"))))
        .isInstanceOfSatisfying(
            InvalidConfigException.class,
            e -> assertThat(e.key()).isEqualTo("squadron.server.port"))
        .hasMessageContaining("0..65535");
    assertThatThrownBy(
            () ->
                ServerSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString("squadron.server.shutdown.grace-period = soon"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.server.shutdown.grace-period");
    assertThatThrownBy(
            () ->
                ServerSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString("squadron.server.metrics.percentiles = [1.5]"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.server.metrics.percentiles");
  }

  @Test
  void clients_needATargetAndValidAddresses() {
    assertThatThrownBy(
            () ->
                ClientsSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString("squadron.clients.shuffle.deadline = 1s"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.clients.shuffle.target");
    assertThatThrownBy(
            () ->
                ClientsSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString(
                            "squadron.clients.shuffle.addresses = [\"localhost\"]"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.clients.shuffle.addresses");
    assertThatThrownBy(
            () ->
                ClientsSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString(
                            "squadron.clients.shuffle { addresses = [\"127.0.0.1:1\"], methods { \"x.Y/Z\" { retry {"
                                + " max-attempts = 3, initial-backoff = 1s, max-backoff = 2s, backoff-multiplier = 2,"
                                + " retryable-status-codes = [NOT_A_CODE] } } } }"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("NOT_A_CODE");
    assertThat(
            ClientsSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString(
                            "squadron.clients.shuffle.target = \"dns:///shuffle.internal:7000\"")))
                .get("shuffle")
                .target())
        .isEqualTo("dns:///shuffle.internal:7000");
  }
}
