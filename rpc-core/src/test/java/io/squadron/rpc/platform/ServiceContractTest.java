package io.squadron.rpc.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.descriptor.DescriptorSource;
import io.squadron.rpc.server.ScriptedShuffleService;
import io.squadron.rpc.server.SquadronServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service contract: config from the service's own module, resources closed once, newest first.
 */
class ServiceContractTest {
  private static DescriptorSource module(Path dir, String name, String applicationConf)
      throws Exception {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("squadron-service.conf"),
        """
        service {
          name = %s
          main-class = com.example.Main
          grpc-services = [squadron.shuffle.v1.ShuffleService]
          calls = [padlock]
          permissions { "squadron.shuffle.v1.ShuffleService" = [checkout] }
        }
        """
            .formatted(name));
    Files.writeString(dir.resolve("application.conf"), applicationConf);
    return DescriptorSource.read(dir.resolve("squadron-service.conf").toUri().toURL());
  }

  private static Config plaintext(DescriptorSource source) {
    return ServiceConfig.withOverrides(
        source,
        ConfigFactory.parseString(
            "squadron.security.mode = plaintext-dev\nsquadron.admin.enabled = false\n"
                + "squadron.server.shutdown.drain-delay = 0s"));
  }

  @Test
  void config_takesTheServicesOwnApplicationConf_andItsIdentityAndPolicyFromTheDescriptor(
      @TempDir Path tmp) throws Exception {
    DescriptorSource alpha =
        module(tmp.resolve("alpha"), "alpha", "squadron.server.max-inbound-message-size = 1 MiB");
    module(tmp.resolve("beta"), "beta", "squadron.server.max-inbound-message-size = 9 MiB");
    Config config = plaintext(alpha);
    assertThat(config.getBytes("squadron.server.max-inbound-message-size")).isEqualTo(1024L * 1024);
    assertThat(config.getString("squadron.security.service-name")).isEqualTo("alpha");
    assertThat(
            config.getStringList(
                "squadron.permissions.policy.\"squadron.shuffle.v1.ShuffleService\""))
        .containsExactly("checkout");
    assertThat(config.getString("squadron.service.name")).isEqualTo("alpha");
  }

  @Test
  void resources_closedOnceNewestFirst_afterTheServerStops(@TempDir Path tmp) throws Exception {
    List<String> closed = new ArrayList<>();
    SquadronServer server =
        Platform.start(
            plaintext(module(tmp, "alpha", "")),
            service -> {
              service.register(() -> closed.add("pool"));
              service.register(() -> closed.add("client"));
              return service.server().service(new ScriptedShuffleService("s"));
            });
    assertThat(closed).isEmpty();
    server.shutdownGracefully();
    server.shutdownGracefully();
    assertThat(closed).containsExactly("client", "pool");
  }

  @Test
  void failedStart_closesWhatWasRegistered_andRethrows(@TempDir Path tmp) throws Exception {
    List<String> closed = new ArrayList<>();
    Config config = plaintext(module(tmp, "alpha", ""));
    assertThatThrownBy(
            () ->
                Platform.start(
                    config,
                    service -> {
                      service.register(() -> closed.add("pool"));
                      throw new IllegalStateException("schema migration failed");
                    }))
        .hasMessage("schema migration failed");
    assertThat(closed).containsExactly("pool");
  }

  @Test
  void aChannelToAServiceTheDescriptorDoesNotList_isRefused(@TempDir Path tmp) throws Exception {
    Config config = plaintext(module(tmp, "alpha", ""));
    assertThatThrownBy(
            () ->
                Platform.start(
                    config,
                    service -> {
                      service.channel("billing");
                      return service.server();
                    }))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("does not list 'billing'");
  }

  @Test
  void aConfigWithoutADescriptor_isRefusedNamingTheKey() {
    assertThatThrownBy(() -> Platform.start(ConfigFactory.empty(), service -> service.server()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.service:");
  }

  @Test
  void httpJsonInTheDescriptor_servesTheBindingsAndTheModulesStaticFiles(@TempDir Path tmp)
      throws Exception {
    Files.writeString(
        tmp.resolve("squadron-service.conf"),
        """
        service {
          name = alpha
          main-class = %s
          grpc-services = [squadron.shuffle.v1.ShuffleService]
          permissions { "squadron.shuffle.v1.ShuffleService" = [checkout] }
          http-json { static-resources = web-contract }
        }
        """
            .formatted(ServiceContractTest.class.getName()));
    Config config =
        plaintext(DescriptorSource.read(tmp.resolve("squadron-service.conf").toUri().toURL()));
    try (SquadronServer server =
        Platform.start(
            config, service -> service.server().service(new ScriptedShuffleService("s")))) {
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("contract page");
      HttpResponse<String> shuffled =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + server.httpPort() + "/v1/shuffle"))
                  .header("x-squadron-caller", "checkout")
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"seed\": 3}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(shuffled.statusCode()).isEqualTo(200);
      assertThat(shuffled.body()).contains("\"seed\":\"3\"");
    }
  }

  @Test
  void noHttpJsonInTheDescriptor_noHttpListener(@TempDir Path tmp) throws Exception {
    try (SquadronServer server =
        Platform.start(
            plaintext(module(tmp, "alpha", "")),
            service -> service.server().service(new ScriptedShuffleService("s")))) {
      assertThat(server.httpPort()).isEqualTo(-1);
    }
  }
}
