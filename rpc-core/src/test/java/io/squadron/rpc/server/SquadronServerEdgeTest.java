package io.squadron.rpc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real {@link SquadronServer} on a free loopback port, called through generated stubs and plain
 * HTTP.
 */
class SquadronServerEdgeTest {
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private SquadronServer start(SquadronServer.Builder builder) {
    SquadronServer server = builder.build().start();
    toClose.add(server);
    return server;
  }

  private ManagedChannel channel(SquadronServer server) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    toClose.add(channel::shutdownNow);
    return channel;
  }

  private static ShuffleRequest script(String script) {
    return ShuffleRequest.newBuilder()
        .addTracks(Track.newBuilder().setTrackId(script).setArtistId("a"))
        .build();
  }

  private String get(SquadronServer server, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private int status(SquadronServer server, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort() + path))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void serverWithoutAnIdentityStage_isRefused() {
    SquadronServer.Builder anonymous =
        SquadronServer.builder(ServerSettings.loopback()).service(new ScriptedShuffleService("s"));

    assertThatThrownBy(anonymous::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no identity stage");
  }

  @Test
  void invalidArgument_carriesBadRequestAndErrorInfo() {
    SquadronServer server =
        start(
            TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                .service(new ScriptedShuffleService("s")));
    var stub = ShuffleServiceGrpc.newBlockingStub(channel(server));

    assertThatThrownBy(() -> stub.shuffle(script("invalid")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              com.google.rpc.Status details = StatusProto.fromThrowable(e);
              assertThat(details.getDetailsList())
                  .anySatisfy(any -> assertThat(any.is(BadRequest.class)).isTrue());
              assertThat(details.getDetailsList())
                  .anySatisfy(any -> assertThat(any.is(ErrorInfo.class)).isTrue());
            });
  }

  @Test
  void unexpectedException_becomesInternalWithErrorIdOnly() {
    SquadronServer server =
        start(
            TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                .service(new ScriptedShuffleService("s")));
    var stub = ShuffleServiceGrpc.newBlockingStub(channel(server));

    for (String script : List.of("boom", "onerror")) {
      assertThatThrownBy(() -> stub.shuffle(script(script)))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
                assertThat(e.getStatus().getDescription())
                    .contains("error id")
                    .doesNotContain("hunter2")
                    .doesNotContain("internal detail")
                    .doesNotContain("Exception");
                assertThat(e.getTrailers().keys()).doesNotContain("grpc-status-details-bin-stack");
              });
    }
  }

  @Test
  void statusThrownOnPurpose_passesThrough() {
    SquadronServer server =
        start(
            TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                .service(new ScriptedShuffleService("s")));
    var stub = ShuffleServiceGrpc.newBlockingStub(channel(server));

    assertThatThrownBy(() -> stub.shuffle(script("unavailable")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).isEqualTo("try later");
            });
  }

  @Test
  void serviceExceptionMapper_isAskedBeforeTheDefault() {
    SquadronServer server =
        start(
            TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                .service(new ScriptedShuffleService("s"))
                .exceptionMapper(
                    e ->
                        e instanceof IllegalStateException
                            ? java.util.Optional.of(
                                Status.FAILED_PRECONDITION
                                    .withDescription("mapped")
                                    .asRuntimeException())
                            : java.util.Optional.empty()));
    var stub = ShuffleServiceGrpc.newBlockingStub(channel(server));

    assertThatThrownBy(() -> stub.shuffle(script("boom")))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
  }

  @Test
  void oversizeRequest_resourceExhaustedBeforeTheHandler() {
    ScriptedShuffleService service = new ScriptedShuffleService("s");
    SquadronServer server =
        start(
            TestServers.anyCaller(
                    SquadronServer.builder(
                        ServerSettings.loopback().withMaxInboundMessageSize(2048)))
                .service(service));
    var stub = ShuffleServiceGrpc.newBlockingStub(channel(server));

    assertThatThrownBy(() -> stub.shuffle(script("x".repeat(4096))))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(service.calls.get()).isZero();
  }

  @Test
  void oversizeRequests_loggedAsOneLineWithoutAStackTrace_atMostOncePerSecond() {
    io.squadron.rpc.platform.Platform.routeJavaLoggingToSlf4j();
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    root.addAppender(appender);
    try {
      SquadronServer server =
          start(
              TestServers.anyCaller(
                      SquadronServer.builder(
                          ServerSettings.loopback().withMaxInboundMessageSize(2048)))
                  .service(new ScriptedShuffleService("s")));
      var stub = ShuffleServiceGrpc.newBlockingStub(channel(server));
      for (int i = 0; i < 5; i++) {
        assertThatThrownBy(() -> stub.shuffle(script("x".repeat(4096))))
            .isInstanceOf(StatusRuntimeException.class);
      }
      var refused =
          appender.list.stream()
              .filter(e -> e.getFormattedMessage().contains("refused a request message"))
              .toList();
      assertThat(refused)
          .hasSizeBetween(1, 2); // five refusals within a second: one line (two if a second ticked)
      assertThat(refused)
          .allSatisfy(
              e -> {
                assertThat(e.getThrowableProxy()).isNull();
                assertThat(e.getFormattedMessage())
                    .contains("RESOURCE_EXHAUSTED")
                    .doesNotContain("\n");
              });
      assertThat(appender.list)
          .noneSatisfy(
              e ->
                  assertThat(e.getThrowableProxy())
                      .isNotNull()
                      .satisfies(t -> assertThat(t.getMessage()).contains("exceeds maximum size")));
    } finally {
      root.detachAppender(appender);
    }
  }

  @Test
  void metrics_countCallsPerMethodAndStatus() throws Exception {
    SquadronServer server =
        start(
            TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                .service(new ScriptedShuffleService("s")));
    var stub = ShuffleServiceGrpc.newBlockingStub(channel(server));
    stub.shuffle(script("ok"));
    stub.shuffle(script("ok"));
    assertThatThrownBy(() -> stub.shuffle(script("invalid")))
        .isInstanceOf(StatusRuntimeException.class);

    String metrics = get(server, "/metrics");
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_duration_seconds_count\\{[^}]*method=\"Shuffle\"[^}]*status=\"OK\"[^}]*} 2");
    assertThat(metrics)
        .containsPattern(
            "squadron_rpc_server_duration_seconds_count\\{[^}]*status=\"INVALID_ARGUMENT\"[^}]*} 1");
    assertThat(metrics).contains("squadron_rpc_server_duration_seconds_bucket");
    assertThat(metrics)
        .containsPattern("squadron_rpc_server_in_flight\\{[^}]*method=\"Shuffle\"[^}]*} 0");
  }

  @Test
  void readiness_drivesHealthAndReadyz() throws Exception {
    AtomicBoolean storeUp = new AtomicBoolean(false);
    SquadronServer server =
        start(
            TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                .service(new ScriptedShuffleService("s"))
                .readinessCheck("store", storeUp::get));
    var health = HealthGrpc.newBlockingStub(channel(server));
    String service = ShuffleServiceGrpc.SERVICE_NAME;

    assertThat(
            health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
        .isEqualTo(ServingStatus.NOT_SERVING);
    assertThat(status(server, "/readyz")).isEqualTo(503);
    assertThat(get(server, "/readyz")).contains("store");
    assertThat(status(server, "/healthz")).isEqualTo(200);

    storeUp.set(true);
    server.refreshReadiness();
    assertThat(
            health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(health.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(status(server, "/readyz")).isEqualTo(200);
  }

  @Test
  void adminActions_runOnPostOnly() throws Exception {
    java.util.concurrent.atomic.AtomicInteger runs =
        new java.util.concurrent.atomic.AtomicInteger();
    AtomicBoolean closed = new AtomicBoolean();
    SquadronServer server =
        start(
            TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                .service(new ScriptedShuffleService("s"))
                .adminAction("reload-things", () -> "reloaded " + runs.incrementAndGet())
                .closeOnShutdown(() -> closed.set(true)));
    URI uri = URI.create("http://127.0.0.1:" + server.adminActionsPort() + "/admin/reload-things");

    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(post.body()).isEqualTo("reloaded 1\n");
    assertThat(
            http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(405);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:" + server.adminActionsPort() + "/admin/nope"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(404);
    assertThat(runs.get()).isEqualTo(1);

    server.shutdownGracefully();
    assertThat(closed.get()).isTrue();
  }

  @Test
  void reflection_listsTheApplicationService() throws Exception {
    SquadronServer server =
        start(
            TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                .service(new ScriptedShuffleService("s")));
    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel(server))
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse value) {
                    answer.complete(value);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    ServerReflectionResponse response = answer.get(10, TimeUnit.SECONDS);
    requests.onCompleted();

    assertThat(response.getListServicesResponse().getServiceList())
        .extracting(s -> s.getName())
        .contains(ShuffleServiceGrpc.SERVICE_NAME, "grpc.health.v1.Health");
  }

  @Test
  void gracefulShutdown_notServingThenInFlightCallFinishes() throws Exception {
    ScriptedShuffleService service = new ScriptedShuffleService("s");
    SquadronServer server =
        start(
            TestServers.anyCaller(SquadronServer.builder(ServerSettings.loopback()))
                .service(service));
    ManagedChannel channel = channel(server);
    var future = ShuffleServiceGrpc.newFutureStub(channel).shuffle(script("block"));
    assertThat(service.blocked.await(10, TimeUnit.SECONDS)).isTrue();

    CountDownLatch stopped = new CountDownLatch(1);
    Thread stopper =
        new Thread(
            () -> {
              server.shutdownGracefully();
              stopped.countDown();
            });
    stopper.start();
    // Shutdown has begun: readiness is off for good, but the in-flight call is still running.
    while (server.isReady()) {
      Thread.onSpinWait();
    }
    assertThat(stopped.getCount()).isEqualTo(1);
    service.release.countDown();

    assertThat(future.get(10, TimeUnit.SECONDS).getTracksCount()).isEqualTo(2);
    assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(
            () ->
                ShuffleServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(2, TimeUnit.SECONDS)
                    .shuffle(script("ok")))
        .isInstanceOf(StatusRuntimeException.class);
  }
}
