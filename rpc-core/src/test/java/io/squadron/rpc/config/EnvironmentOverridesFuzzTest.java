package io.squadron.rpc.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Any environment a process can be started with: {@code CONFIG_FORCE_*} variables become overrides,
 * or loading fails with {@link InvalidConfigException} naming the variable, never with a raw
 * ConfigException.
 */
class EnvironmentOverridesFuzzTest {
  private static final List<String> NAMES =
      List.of(
          "squadron_server_port",
          "squadron_server_host",
          "squadron_admin_port",
          "squadron_security_mode",
          "squadron_server_shutdown_grace__period",
          "squadron_rate__limits_default_rate",
          "squadron_clients_x_addresses",
          "squadron",
          "_",
          "__",
          "___",
          ".");

  @FuzzTest(maxDuration = "10s")
  void anyEnvironment_loadsOrNamesTheVariable(FuzzedDataProvider data) {
    Map<String, String> environment = new LinkedHashMap<>();
    int variables = data.consumeInt(0, 6);
    for (int i = 0; i < variables; i++) {
      String name =
          data.consumeBoolean()
              ? data.pickValue(NAMES) + data.consumeString(8)
              : data.consumeString(24);
      environment.put(EnvironmentOverrides.PREFIX + name, data.consumeString(40));
    }
    environment.put(
        data.consumeString(16), data.consumeRemainingAsString()); // any other variable is ignored
    try {
      assertThat(ConfigLoader.load(Optional.empty(), environment)).isNotNull();
    } catch (InvalidConfigException e) {
      assertThat(e.getMessage()).startsWith(e.key() + ": ");
    }
  }
}
