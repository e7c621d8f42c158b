package io.squadron.padlock.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PadlockClientSettingsTest {
  @Test
  void defaults_fromReferenceConf() {
    PadlockClientSettings s =
        PadlockClientSettings.from(ConfigLoader.withOverrides(ConfigFactory.empty()));
    assertThat(s.cacheTtl()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.maxBatch()).isEqualTo(1000);
  }

  @Test
  void badValue_namesTheKey() {
    assertThatThrownBy(
            () ->
                PadlockClientSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseMap(Map.of("squadron.padlock-client.max-batch", 0)))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("squadron.padlock-client.max-batch");
  }
}
