package io.squadron.store.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.config.InvalidConfigException;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

  @Test
  void from_readsServersAndPrefix_namesCarryThePrefix() {
    KafkaSettings s =
        KafkaSettings.from(
            ConfigFactory.parseString(
                "squadron.stores.kafka { bootstrap-servers = \"127.0.0.1:9092,k2:9093\", topic-prefix = \"t_usertest_1a.\" }"));

    assertThat(s.bootstrapServers()).isEqualTo("127.0.0.1:9092,k2:9093");
    assertThat(s.name("userdb.users")).isEqualTo("t_usertest_1a.userdb.users");
  }

  @Test
  void from_missingOrBadValues_failNamingTheKey() {
    assertThatThrownBy(
            () ->
                KafkaSettings.from(
                    ConfigFactory.parseString(
                        "squadron.stores.kafka { bootstrap-servers = \"\", topic-prefix = \"\" }")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("squadron.stores.kafka.bootstrap-servers");
    assertThatThrownBy(
            () ->
                KafkaSettings.from(
                    ConfigFactory.parseString(
                        "squadron.stores.kafka { bootstrap-servers = \"k1\", topic-prefix = \"\" }")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("host:port");
    assertThatThrownBy(
            () ->
                KafkaSettings.from(
                    ConfigFactory.parseString(
                        "squadron.stores.kafka { bootstrap-servers = \"k1:9092\", topic-prefix = \"a b\" }")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("squadron.stores.kafka.topic-prefix");
  }
}
