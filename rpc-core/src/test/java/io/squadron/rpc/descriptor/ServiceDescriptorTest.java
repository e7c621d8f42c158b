package io.squadron.rpc.descriptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.config.InvalidConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceDescriptorTest {
  private static final String VALID =
      """
      service {
        name = playlist
        description = "Playlists of a user."
        main-class = com.example.playlist.PlaylistMain
        grpc-services = [squadron.playlist.v1.PlaylistService]
        stores = [postgres]
        calls = [padlock]
        permissions {
          "squadron.playlist.v1.PlaylistService/GetPlaylist" = [checkout, "app:*"]
          "squadron.playlist.v1.PlaylistService" = [billing]
        }
        padlock-categories = [listening]
        secrets { "squadron.playlist.signing-key" { random-bytes = 32 } }
        demo = com.example.playlist.PlaylistDemo
        resources { heap = 128m }
        scaling { min-instances = 2, max-instances = 3 }
      }
      """;

  private static ServiceDescriptor parse(String hocon) {
    return ServiceDescriptor.fromConfig(ConfigFactory.parseString(hocon));
  }

  @Test
  void validDescriptor_everyKeyRead_defaultsForTheOmittedOnes() {
    ServiceDescriptor d = parse(VALID);
    assertThat(d.name()).isEqualTo("playlist");
    assertThat(d.grpcServices()).containsExactly("squadron.playlist.v1.PlaylistService");
    assertThat(d.needs(ServiceDescriptor.Stores.POSTGRES)).isTrue();
    assertThat(d.needs(ServiceDescriptor.Stores.CASSANDRA)).isFalse();
    assertThat(d.calls()).containsExactly("padlock");
    assertThat(d.permissions())
        .containsExactly(
            Map.entry(
                "squadron.playlist.v1.PlaylistService/GetPlaylist", List.of("checkout", "app:*")),
            Map.entry("squadron.playlist.v1.PlaylistService", List.of("billing")));
    assertThat(d.secrets())
        .containsExactly(new ServiceDescriptor.Secret("squadron.playlist.signing-key", 32));
    assertThat(d.demo()).contains("com.example.playlist.PlaylistDemo");
    assertThat(d.resources()).isEqualTo(new ServiceDescriptor.Resources("128m", "500m", "512Mi"));
    assertThat(d.scaling()).isEqualTo(new ServiceDescriptor.Scaling(2, 3, 70));
    assertThat(d.deploymentGroups()).containsExactly("a", "b");
    assertThat(d.storeMigration()).isEmpty();
    assertThat(d.httpJson()).isEmpty();
    assertThat(d.slo()).isEqualTo(ServiceDescriptor.Slo.DEFAULT);
  }

  @Test
  void httpJson_optInWithOptionalStaticResources() {
    assertThat(parse(VALID.replace("demo =", "http-json {}\n demo =")).httpJson())
        .contains(new ServiceDescriptor.HttpJson(java.util.Optional.empty()));
    assertThat(
            parse(
                    VALID.replace(
                        "demo =", "http-json { static-resources = \"web/playlist\" }\n demo ="))
                .httpJson()
                .orElseThrow()
                .staticResources())
        .contains("web/playlist");
    assertThatThrownBy(
            () -> parse(VALID.replace("demo =", "http-json { static-resource = web }\n demo =")))
        .hasMessageStartingWith("service.http-json.static-resource: unknown key");
    assertThatThrownBy(
            () ->
                parse(
                    VALID.replace(
                        "demo =", "http-json { static-resources = \"../etc\" }\n demo =")))
        .hasMessageStartingWith("service.http-json.static-resources:");
  }

  @Test
  void slo_readWithDefaultsForTheOmittedKeys_andBadValuesRefusedNamingTheKey() {
    ServiceDescriptor d =
        parse(
            VALID.replace(
                "demo =", "slo { availability = 99.95, latency-threshold = 15ms }\n demo ="));
    assertThat(d.slo())
        .isEqualTo(new ServiceDescriptor.Slo(99.95, java.time.Duration.ofMillis(15), 99.0));
    assertThat(d.slo().errorBudget()).isCloseTo(0.0005, org.assertj.core.data.Offset.offset(1e-12));

    assertThatThrownBy(() -> parse(VALID.replace("demo =", "slo { availability = 100 }\n demo =")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("service.slo.availability: 100.0");
    assertThatThrownBy(
            () -> parse(VALID.replace("demo =", "slo { latency-threshold = 50us }\n demo =")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("service.slo.latency-threshold: ");
    assertThatThrownBy(() -> parse(VALID.replace("demo =", "slo { latency = 15ms }\n demo =")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("service.slo.latency: unknown key");
  }

  @Test
  void unknownKey_refusedNamingIt() {
    assertThatThrownBy(() -> parse(VALID.replace("calls =", "cals =")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("service.cals: unknown key");
  }

  @Test
  void permissionForAServiceItDoesNotServe_refused() {
    assertThatThrownBy(
            () ->
                parse(
                    VALID.replace(
                        "\"squadron.playlist.v1.PlaylistService\" = [billing]",
                        "\"squadron.billing.v1.BillingService\" = [billing]")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("which this service does not serve");
  }

  @Test
  void serviceWideGrantToAnyApp_isRefused() {
    assertThatThrownBy(
            () ->
                parse(
                    VALID.replace(
                        "\"squadron.playlist.v1.PlaylistService\" = [billing]",
                        "\"squadron.playlist.v1.PlaylistService\" = [billing, \"app:*\"]")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("service.permissions.")
        .hasMessageContaining("grants \"app:*\" to the whole service");
  }

  @Test
  void badNames_refused() {
    assertThatThrownBy(() -> parse(VALID.replace("name = playlist", "name = Playlist_1")))
        .hasMessageStartingWith("service.name:");
    assertThatThrownBy(() -> parse(VALID.replace("[checkout, \"app:*\"]", "[\"Check Out\"]")))
        .hasMessageContaining("caller 'Check Out'");
    assertThatThrownBy(() -> parse(VALID.replace("calls = [padlock]", "calls = [playlist]")))
        .hasMessageStartingWith("service.calls:");
    assertThatThrownBy(() -> parse(VALID.replace("stores = [postgres]", "stores = [mysql]")))
        .hasMessageStartingWith("service.stores:");
    assertThatThrownBy(
            () ->
                parse(
                    VALID.replace(
                        "main-class = com.example.playlist.PlaylistMain",
                        "main-class = \"not a class\"")))
        .hasMessageStartingWith("service.main-class:");
    assertThatThrownBy(() -> parse(VALID.replace("heap = 128m", "heap = lots")))
        .hasMessageStartingWith("service.resources.heap:");
  }

  @Test
  void storeMigration_mustMoveBetweenItsOwnStores() {
    String migrating =
        VALID
            .replace("stores = [postgres]", "stores = [postgres, cassandra]")
            .replace(
                "demo =",
                "store-migration { name = m, source = postgres, target = cassandra }\n  demo =");
    assertThat(parse(migrating).storeMigration())
        .contains(new ServiceDescriptor.StoreMigration("m", "postgres", "cassandra"));
    assertThatThrownBy(
            () ->
                parse(
                    VALID.replace(
                        "demo =",
                        "store-migration { name = m, source = postgres, target = cassandra }\n  demo =")))
        .hasMessageStartingWith("service.store-migration.target:");
  }
}
