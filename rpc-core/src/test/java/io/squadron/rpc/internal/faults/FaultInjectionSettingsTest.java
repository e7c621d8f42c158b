package io.squadron.rpc.internal.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FaultInjectionSettingsTest {
  private static Config root(String faults) {
    return ConfigFactory.parseString(
            "squadron.server.host = 127.0.0.1\nsquadron.fault-injection { " + faults + " }")
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  @Test
  void noMethod_noFaults() {
    assertThat(FaultInjectionSettings.from(root(""))).isEmpty();
  }

  @Test
  void percentAndRate_areRead() {
    FaultInjectionSettings s =
        FaultInjectionSettings.from(
                root("method = \"a.b.Svc/Do\", added-latency = 50%, error-rate = 0.02"))
            .orElseThrow();
    assertThat(s.method()).isEqualTo("a.b.Svc/Do");
    assertThat(s.addedLatencyFraction()).isEqualTo(0.5);
    assertThat(s.addedLatencyFixed()).isZero();
    assertThat(s.errorRate()).isEqualTo(0.02);
    assertThat(s.describe()).contains("+50% latency").contains("2.00% errors");
  }

  @Test
  void aDuration_isAFixedDelay() {
    assertThat(
            FaultInjectionSettings.from(root("method = \"a.Svc/Do\", added-latency = 20ms"))
                .orElseThrow()
                .addedLatencyFixed())
        .isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void badValues_areRefusedNamingTheKey() {
    assertThatThrownBy(() -> FaultInjectionSettings.from(root("method = \"Do\", error-rate = 1")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.fault-injection.method:");
    assertThatThrownBy(
            () -> FaultInjectionSettings.from(root("method = \"a.Svc/Do\", added-latency = x%")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.fault-injection.added-latency:");
    assertThatThrownBy(
            () -> FaultInjectionSettings.from(root("method = \"a.Svc/Do\", added-latency = -5%")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.fault-injection.added-latency:");
    assertThatThrownBy(
            () -> FaultInjectionSettings.from(root("method = \"a.Svc/Do\", error-rate = 1.5")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.fault-injection.error-rate:");
    assertThatThrownBy(() -> FaultInjectionSettings.from(root("method = \"a.Svc/Do\"")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("without a fault");
  }
}
