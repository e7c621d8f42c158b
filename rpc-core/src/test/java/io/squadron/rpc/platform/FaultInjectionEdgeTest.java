package io.squadron.rpc.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.ErrorInfo;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.descriptor.DescriptorSource;
import io.squadron.rpc.server.ScriptedShuffleService;
import io.squadron.rpc.server.SquadronServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code squadron.fault-injection} on a service started by the contract ({@link Platform#start}):
 * errors and added latency on the configured method only, seen by the caller and counted; refused
 * beyond loopback.
 */
class FaultInjectionEdgeTest {
  private static final String SHUFFLE = "squadron.shuffle.v1.ShuffleService/Shuffle";
  private final List<AutoCloseable> toClose = new ArrayList<>();
  @TempDir Path tmp;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private Config config(String faults) throws Exception {
    Files.writeString(
        tmp.resolve("squadron-service.conf"),
        """
        service {
          name = alpha
          main-class = com.example.Main
          grpc-services = [squadron.shuffle.v1.ShuffleService]
          permissions { "squadron.shuffle.v1.ShuffleService" = [checkout] }
        }
        """);
    return ServiceConfig.withOverrides(
        DescriptorSource.read(tmp.resolve("squadron-service.conf").toUri().toURL()),
        ConfigFactory.parseString(
            "squadron.security.mode = plaintext-dev\nsquadron.server.shutdown.drain-delay = 0s\n"
                + "squadron.fault-injection { "
                + faults
                + " }"));
  }

  private ShuffleServiceGrpc.ShuffleServiceBlockingStub start(
      String faults, ScriptedShuffleService handler) throws Exception {
    SquadronServer server =
        Platform.start(config(faults), service -> service.server().service(handler));
    toClose.add(server);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    toClose.add(channel::shutdownNow);
    Metadata caller = new Metadata();
    caller.put(Metadata.Key.of("x-squadron-caller", Metadata.ASCII_STRING_MARSHALLER), "checkout");
    return ShuffleServiceGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(caller));
  }

  private static ShuffleRequest script(String script) {
    return ShuffleRequest.newBuilder()
        .addTracks(Track.newBuilder().setTrackId(script).setArtistId("a"))
        .build();
  }

  @Test
  void errorRateOne_failsEveryCallWithUnavailable_faultInjected_beforeTheHandler()
      throws Exception {
    ScriptedShuffleService handler = new ScriptedShuffleService("s");
    var stub = start("method = \"" + SHUFFLE + "\", error-rate = 1", handler);
    assertThatThrownBy(() -> stub.shuffle(script("ok")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription())
                  .contains("fault injected on purpose")
                  .contains(SHUFFLE);
              ErrorInfo info =
                  StatusProto.fromThrowable(e).getDetailsList().stream()
                      .filter(d -> d.is(ErrorInfo.class))
                      .map(
                          d -> {
                            try {
                              return d.unpack(ErrorInfo.class);
                            } catch (Exception x) {
                              throw new AssertionError(x);
                            }
                          })
                      .findFirst()
                      .orElseThrow();
              assertThat(info.getReason()).isEqualTo(ErrorReason.FAULT_INJECTED.name());
            });
    assertThat(handler.calls.get()).isZero();
  }

  @Test
  void faultsOnAnotherMethod_leaveThisOneAlone() throws Exception {
    ScriptedShuffleService handler = new ScriptedShuffleService("s");
    var stub =
        start(
            "method = \"squadron.shuffle.v1.ShuffleService/Other\", error-rate = 1, "
                + "added-latency = 5s",
            handler);
    long t0 = System.nanoTime();
    assertThat(stub.shuffle(script("ok")).getTracksCount()).isEqualTo(2);
    assertThat(handler.calls.get()).isEqualTo(1);
    assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
  }

  @Test
  void addedLatencyPercent_addsThatShareOfTheCallsOwnDuration() throws Exception {
    var stub =
        start(
            "method = \"" + SHUFFLE + "\", added-latency = 100%", new ScriptedShuffleService("s"));
    long t0 = System.nanoTime();
    assertThat(stub.shuffle(script("sleep:150")).getTracksCount()).isEqualTo(2);
    // The handler sleeps 150 ms; +100% makes the call last at least 300 ms.
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(300);
  }

  @Test
  void addedLatencyDuration_addsItToEveryCall() throws Exception {
    var stub =
        start(
            "method = \"" + SHUFFLE + "\", added-latency = 250ms", new ScriptedShuffleService("s"));
    long t0 = System.nanoTime();
    assertThat(stub.shuffle(script("ok")).getTracksCount()).isEqualTo(2);
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(250);
  }

  @Test
  void faultsOnAServerListeningBeyondLoopback_areRefusedNamingTheKey_unlessAllowed()
      throws Exception {
    Config beyond =
        config("method = \"" + SHUFFLE + "\", error-rate = 0.02")
            .withFallback(ConfigFactory.empty())
            .withValue(
                "squadron.server.host", ConfigFactory.parseString("h = \"0.0.0.0\"").getValue("h"))
            .withValue(
                "squadron.security.mode", ConfigFactory.parseString("m = mtls").getValue("m"));
    assertThatThrownBy(() -> io.squadron.rpc.internal.faults.FaultInjectionSettings.from(beyond))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.fault-injection.method:")
        .hasMessageContaining("allow-beyond-loopback");
    Config allowed =
        beyond.withValue(
            "squadron.fault-injection.allow-beyond-loopback",
            ConfigFactory.parseString("a = true").getValue("a"));
    assertThat(io.squadron.rpc.internal.faults.FaultInjectionSettings.from(allowed))
        .hasValueSatisfying(s -> assertThat(s.errorRate()).isEqualTo(0.02));
  }
}
