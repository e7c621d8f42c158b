package io.squadron.els;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.LoadBalancerRegistry;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import io.grpc.internal.JsonParser;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElsConfigTest {

  @SuppressWarnings("unchecked")
  private static ConfigOrError parse(String json) throws Exception {
    return new ElsLoadBalancerProvider()
        .parseLoadBalancingPolicyConfig((Map<String, ?>) JsonParser.parse(json));
  }

  @Test
  void emptyObject_givesDefaults() throws Exception {
    ConfigOrError c = parse("{}");
    assertThat(c.getError()).isNull();
    assertThat(c.getConfig()).isEqualTo(ElsConfig.ofDefaults());
    ElsConfig d = ElsConfig.ofDefaults();
    assertThat(d.decayTimeNanos()).isEqualTo(ElsConfig.DEFAULT_DECAY_TIME.toNanos());
    assertThat(d.latencyExponent()).isEqualTo(3.0);
    assertThat(d.maxEjectionPercent()).isEqualTo(50);
    assertThat(d.breakerEnabled()).isTrue();
    assertThat(d.localRegion()).isNull();
    assertThat(d.overprovisioningFactor()).isEqualTo(1.4);
    assertThat(d.significance()).isEqualTo(1e-5);
  }

  @Test
  void everyKey_isParsed() throws Exception {
    ConfigOrError c =
        parse(
            "{\"decayTime\":\"0.5s\",\"latencyExponent\":3,\"priorWeight\":2,"
                + "\"slowStartWindow\":\"10s\",\"slowStartMinFactor\":0.2,\"localRegion\":\"eu\","
                + "\"overprovisioningFactor\":2,\"circuitBreaker\":{\"enabled\":false,\"significance\":0.001,"
                + "\"failureRateMultiple\":3,\"minFailureRateDelta\":0.2,\"minRequestVolume\":20,\"window\":\"7s\","
                + "\"interval\":\"100ms\",\"baseEjectionTime\":\"1s\",\"maxEjectionTime\":\"8s\","
                + "\"maxEjectionPercent\":25}}");
    assertThat(c.getError()).isNull();
    ElsConfig expected =
        ElsConfig.builder()
            .decayTime(Duration.ofMillis(500))
            .latencyExponent(3)
            .priorWeight(2)
            .slowStartWindow(Duration.ofSeconds(10))
            .slowStartMinFactor(0.2)
            .localRegion("eu")
            .overprovisioningFactor(2)
            .significance(0.001)
            .breakerEnabled(false)
            .failureRateMultiple(3)
            .minFailureRateDelta(0.2)
            .minRequestVolume(20)
            .breakerWindow(Duration.ofSeconds(7))
            .breakerInterval(Duration.ofMillis(100))
            .baseEjectionTime(Duration.ofSeconds(1))
            .maxEjectionTime(Duration.ofSeconds(8))
            .maxEjectionPercent(25)
            .build();
    assertThat(c.getConfig()).isEqualTo(expected);
    assertThat(c.getConfig().hashCode()).isEqualTo(expected.hashCode());
  }

  @Test
  void unknownKey_isAnErrorNamingIt() throws Exception {
    ConfigOrError c = parse("{\"circuitBreaker\":{\"maxEjectionPercnt\":10}}");
    assertThat(c.getError().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(c.getError().getDescription()).contains("circuitBreaker.maxEjectionPercnt");
  }

  @Test
  void badValues_areErrors() throws Exception {
    assertThat(parse("{\"decayTime\":\"-1s\"}").getError().getDescription()).contains("decayTime");
    assertThat(parse("{\"decayTime\":5}").getError().getDescription()).contains("decayTime");
    assertThat(parse("{\"decayTime\":\"soon\"}").getError().getDescription()).contains("decayTime");
    assertThat(parse("{\"latencyExponent\":\"2\"}").getError().getDescription())
        .contains("latencyExponent");
    assertThat(parse("{\"slowStartMinFactor\":0}").getError().getDescription())
        .contains("slowStartMinFactor");
    assertThat(
            parse("{\"circuitBreaker\":{\"maxEjectionPercent\":101}}").getError().getDescription())
        .contains("maxEjectionPercent");
    assertThat(parse("{\"circuitBreaker\":{\"maxEjectionPercent\":10.5}}").getError()).isNotNull();
    assertThat(parse("{\"circuitBreaker\":{\"enabled\":\"yes\"}}").getError()).isNotNull();
    assertThat(parse("{\"circuitBreaker\":[]}").getError()).isNotNull();
    assertThat(parse("{\"localRegion\":5}").getError().getDescription()).contains("localRegion");
    assertThat(parse("{\"localRegion\":\" \"}").getError().getDescription())
        .contains("localRegion");
    assertThat(parse("{\"overprovisioningFactor\":0.5}").getError().getDescription())
        .contains("overprovisioningFactor");
    assertThat(parse("{\"circuitBreaker\":{\"significance\":0.7}}").getError().getDescription())
        .contains("significance");
  }

  @Test
  void builder_rejectsBadValuesAtOnce() {
    assertThatThrownBy(() -> ElsConfig.builder().failureRateMultiple(0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failureRateMultiple: 0.5");
    assertThatThrownBy(() -> ElsConfig.builder().decayTime(Duration.ZERO))
        .hasMessageContaining("decayTime");
    assertThatThrownBy(() -> ElsConfig.builder().decayTime(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void provider_isRegisteredUnderEls() {
    assertThat(LoadBalancerRegistry.getDefaultRegistry().getProvider("els"))
        .isInstanceOf(ElsLoadBalancerProvider.class);
  }
}
