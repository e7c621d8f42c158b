package io.squadron.rpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.internal.metrics.ClientMetricsInterceptor;
import io.squadron.rpc.server.ScriptedShuffleService;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.rpc.server.TestServers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Channels from {@link ChannelFactory} against real servers on free loopback ports. */
class ChannelFactoryEdgeTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private SquadronServer server(ScriptedShuffleService service) {
    SquadronServer server =
        TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
            .service(service)
            .build()
            .start();
    toClose.add(server);
    return server;
  }

  private ChannelFactory factory(String hocon, SimpleMeterRegistry registry) {
    Config config = ConfigLoader.withOverrides(ConfigFactory.parseString(hocon));
    ChannelFactory factory =
        ChannelFactory.builder(ClientsSettings.from(config)).meterRegistry(registry).build();
    toClose.add(factory);
    return factory;
  }

  private static ShuffleRequest script(String script) {
    return ShuffleRequest.newBuilder()
        .addTracks(Track.newBuilder().setTrackId(script).setArtistId("a"))
        .build();
  }

  @Test
  void staticAddresses_roundRobinOverEveryEndpoint() {
    SquadronServer a = server(new ScriptedShuffleService("a"));
    SquadronServer b = server(new ScriptedShuffleService("b"));
    ChannelFactory factory =
        factory(
            "squadron.clients.shuffle.addresses = [\"127.0.0.1:"
                + a.port()
                + "\", \"127.0.0.1:"
                + b.port()
                + "\"]",
            new SimpleMeterRegistry());
    var stub = ShuffleServiceGrpc.newBlockingStub(factory.channel("shuffle"));

    Set<String> servedBy = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      var tracks = stub.shuffle(script("ok")).getTracksList();
      servedBy.add(tracks.get(tracks.size() - 1).getArtistId());
    }
    assertThat(servedBy).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void endpointsWithRegions_elsPrefersTheLocalRegion_andSpillsOverWhenItIsGone() {
    SquadronServer near = server(new ScriptedShuffleService("near"));
    SquadronServer far = server(new ScriptedShuffleService("far"));
    ChannelFactory factory =
        factory(
            "squadron.client-defaults.load-balancing-config.localRegion = region-1\n"
                + "squadron.clients.shuffle.endpoints = [{ address = \"127.0.0.1:"
                + near.port()
                + "\", region = region-1 }, { address = \"127.0.0.1:"
                + far.port()
                + "\", region = region-2 }]",
            new SimpleMeterRegistry());
    var stub = ShuffleServiceGrpc.newBlockingStub(factory.channel("shuffle"));

    int nearCalls = 0;
    for (int i = 0; i < 40; i++) {
      var tracks = stub.shuffle(script("ok")).getTracksList();
      nearCalls += tracks.get(tracks.size() - 1).getArtistId().equals("near") ? 1 : 0;
    }
    assertThat(nearCalls).as("calls served in the client's own region, of 40").isGreaterThan(36);

    near.close();
    int farCalls = 0;
    for (int i = 0; i < 20; i++) {
      try {
        var tracks = stub.shuffle(script("ok")).getTracksList();
        farCalls += tracks.get(tracks.size() - 1).getArtistId().equals("far") ? 1 : 0;
      } catch (StatusRuntimeException e) {
        // the call in flight when the local endpoint went away
      }
    }
    assertThat(farCalls).as("calls spilled over to region-2, of 20").isGreaterThan(15);
  }

  @Test
  void endpoints_areValidated_naming_theField() {
    assertThatThrownBy(
            () ->
                factory(
                    "squadron.clients.shuffle.endpoints = [{ address = \"127.0.0.1:1\", region = \"a b\" }]",
                    new SimpleMeterRegistry()))
        .hasMessageContaining("squadron.clients.shuffle.endpoints[0].address")
        .hasMessageContaining("region");
    assertThatThrownBy(
            () ->
                factory(
                    "squadron.clients.shuffle { endpoints = [{ address = \"127.0.0.1:1\" }], addresses = [\"127.0.0.1:2\"] }",
                    new SimpleMeterRegistry()))
        .hasMessageContaining("not several");
  }

  @Test
  void defaultDeadline_appliesToCallsThatSetNone() {
    SquadronServer server = server(new ScriptedShuffleService("s"));
    ChannelFactory factory =
        factory(
            "squadron.clients.shuffle { addresses = [\"127.0.0.1:"
                + server.port()
                + "\"], deadline = 200ms }",
            new SimpleMeterRegistry());
    var stub = ShuffleServiceGrpc.newBlockingStub(factory.channel("shuffle"));

    assertThatThrownBy(() -> stub.shuffle(script("sleep:2000")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(stub.shuffle(script("sleep:10")).getTracksCount()).isEqualTo(2);
  }

  @Test
  void methodDeadline_overridesTheDefault() {
    SquadronServer server = server(new ScriptedShuffleService("s"));
    ChannelFactory factory =
        factory(
            "squadron.clients.shuffle { addresses = [\"127.0.0.1:"
                + server.port()
                + "\"], deadline = 100ms, methods { \"squadron.shuffle.v1.ShuffleService/Shuffle\" { deadline = 5s } } }",
            new SimpleMeterRegistry());
    var stub = ShuffleServiceGrpc.newBlockingStub(factory.channel("shuffle"));

    assertThat(stub.shuffle(script("sleep:300")).getTracksCount()).isEqualTo(2);
  }

  @Test
  void noRetriesByDefault_retriesWhereTheMethodEnablesThem() {
    ScriptedShuffleService service = new ScriptedShuffleService("s");
    SquadronServer server = server(service);
    String address = "\"127.0.0.1:" + server.port() + "\"";
    ChannelFactory factory =
        factory(
            "squadron.clients {\n"
                + "  plain.addresses = ["
                + address
                + "]\n"
                + "  retrying { addresses = ["
                + address
                + "], methods { \"squadron.shuffle.v1.ShuffleService/Shuffle\" {"
                + "    retry { max-attempts = 3, initial-backoff = 10ms, max-backoff = 50ms, backoff-multiplier = 2,"
                + "            retryable-status-codes = [UNAVAILABLE] } } } }\n"
                + "}",
            new SimpleMeterRegistry());

    assertThatThrownBy(
            () ->
                ShuffleServiceGrpc.newBlockingStub(factory.channel("plain"))
                    .shuffle(script("unavailable")))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(service.calls.get()).isEqualTo(1);

    assertThatThrownBy(
            () ->
                ShuffleServiceGrpc.newBlockingStub(factory.channel("retrying"))
                    .shuffle(script("unavailable")))
        .isInstanceOf(StatusRuntimeException.class);
    assertThat(service.calls.get()).isEqualTo(1 + 3);
  }

  @Test
  void clientMetrics_perTargetMethodAndStatus() {
    SquadronServer server = server(new ScriptedShuffleService("s"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ChannelFactory factory =
        factory(
            "squadron.clients.shuffle.addresses = [\"127.0.0.1:" + server.port() + "\"]", registry);
    var stub = ShuffleServiceGrpc.newBlockingStub(factory.channel("shuffle"));
    stub.shuffle(script("ok"));
    assertThatThrownBy(() -> stub.shuffle(script("invalid")))
        .isInstanceOf(StatusRuntimeException.class);

    assertThat(
            registry
                .get(ClientMetricsInterceptor.DURATION)
                .tag("target", "shuffle")
                .tag("method", "Shuffle")
                .tag("status", "OK")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(ClientMetricsInterceptor.DURATION)
                .tag("status", "INVALID_ARGUMENT")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            registry
                .get(ClientMetricsInterceptor.DURATION)
                .tag("status", "OK")
                .timer()
                .totalTime(TimeUnit.NANOSECONDS))
        .isPositive();
  }

  @Test
  void elsIsTheDefault_andItsEndpointGaugesGoToTheFactorysRegistry() {
    SquadronServer a = server(new ScriptedShuffleService("a"));
    SquadronServer b = server(new ScriptedShuffleService("b"));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ChannelFactory factory =
        factory(
            "squadron.clients.shuffle.addresses = [\"127.0.0.1:"
                + a.port()
                + "\", \"127.0.0.1:"
                + b.port()
                + "\"]",
            registry);
    assertThat(
            ClientsSettings.from(ConfigLoader.withOverrides(ConfigFactory.empty()))
                .defaults()
                .loadBalancingPolicy())
        .isEqualTo("els");
    var stub = ShuffleServiceGrpc.newBlockingStub(factory.channel("shuffle"));
    for (int i = 0; i < 20; i++) {
      stub.shuffle(script("ok"));
    }

    assertThat(registry.getMeters())
        .anySatisfy(m -> assertThat(m.getId().getName()).startsWith("els.endpoint"));
  }

  @Test
  void close_shutsDownEveryChannelItCreated() {
    SquadronServer server = server(new ScriptedShuffleService("s"));
    ChannelFactory factory =
        ChannelFactory.builder(
                ClientsSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString(
                            "squadron.clients.shuffle.addresses = [\"127.0.0.1:"
                                + server.port()
                                + "\"]"))))
            .build();
    var channel = factory.channel("shuffle");
    factory.close();
    assertThat(channel.isShutdown()).isTrue();
  }
}
