package io.squadron.rpc.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
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
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.infra.certs.DevCertificateAuthority;
import io.squadron.infra.certs.DevCerts;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.internal.metrics.SecurityMetrics;
import io.squadron.rpc.internal.security.AppTokens;
import io.squadron.rpc.internal.security.SecuritySettings;
import io.squadron.rpc.internal.security.TlsCredentials;
import io.squadron.rpc.platform.ClientSecurity;
import io.squadron.rpc.platform.ServerSecurity;
import io.squadron.rpc.server.ServerLimits;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole security chain at the edge: a real {@link SquadronServer} on a loopback port with
 * mutual TLS from certificates the dev CA generated, called through rpc-core's {@link
 * ChannelFactory} configured by {@link ClientSecurity} (or a bare TLS channel for client apps).
 * Rate limits run on a fake clock.
 */
class SecurityEdgeTest {
  private static final String SHUFFLE = "squadron.shuffle.v1.ShuffleService";
  private static final String APP_TOKEN = "ios-token-for-tests-only";

  @TempDir static Path pki;
  @TempDir static Path roguePki;

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final CallerEchoService service = new CallerEchoService();
  private ServerSecurity security;

  @BeforeAll
  static void certificates() throws Exception {
    DevCertificateAuthority ca =
        DevCerts.generate(pki, List.of("shuffle", "checkout", "billing", "search"));
    ca.issue(
            "checkout",
            Instant.now().minus(Duration.ofDays(10)),
            Instant.now().minus(Duration.ofDays(1)))
        .writeTo(pki, "expired-checkout");
    // The platform CA, but an identity in another trust domain: a valid chain that names no
    // squadron service.
    DevCertificateAuthority.load(pki, "elsewhere")
        .issue("checkout")
        .writeTo(pki, "foreign-checkout");
    // Another CA issuing a certificate for the same name: it must not be trusted.
    DevCertificateAuthority.create("rogue CA").issue("checkout").writeTo(roguePki, "checkout");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private static Config config(String hocon) {
    return ConfigLoader.withOverrides(ConfigFactory.parseString(hocon));
  }

  private SquadronServer server(String serviceName, String extraConfig) {
    return server(serviceName, extraConfig, ServerSettings.loopback());
  }

  private SquadronServer server(String serviceName, String extraConfig, ServerSettings settings) {
    Config config =
        config(
            """
        squadron.security { service-name = %s, cert-dir = "%s" }
        squadron.permissions.policy { "%s/Shuffle" = [checkout, search, "app:*"] }
        squadron.rate-limits.default { rate = 10, burst = 5 }
        """
                    .formatted(serviceName, pki, SHUFFLE)
                + extraConfig);
    SquadronServer.Builder builder = SquadronServer.builder(settings).service(service);
    security = ServerSecurity.configure(builder, config, registry, clock::get);
    toClose.add(security);
    SquadronServer server = builder.build().start();
    toClose.add(server);
    return server;
  }

  private SquadronServer server(String extraConfig) {
    return server("shuffle", extraConfig);
  }

  /**
   * A stub calling {@code server} as {@code caller}, through ClientSecurity; {@code tls} overrides
   * the files.
   */
  private ShuffleServiceGrpc.ShuffleServiceBlockingStub stubAs(
      String caller, SquadronServer server, String tls) {
    Config config =
        config(
            """
        squadron.security { service-name = %s, cert-dir = "%s" %s }
        squadron.clients.shuffle.addresses = ["127.0.0.1:%d"]
        """
                .formatted(caller, pki, tls, server.port()));
    ChannelFactory channels =
        ClientSecurity.configure(ChannelFactory.builder(ClientsSettings.from(config)), config)
            .build();
    toClose.add(channels);
    return ShuffleServiceGrpc.newBlockingStub(channels.channel("shuffle"));
  }

  private ShuffleServiceGrpc.ShuffleServiceBlockingStub stubAs(
      String caller, SquadronServer server) {
    return stubAs(caller, server, "");
  }

  /** A client app: TLS checking the server is "shuffle", no client certificate. */
  private ShuffleServiceGrpc.ShuffleServiceBlockingStub appStub(SquadronServer server)
      throws Exception {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(
                "127.0.0.1",
                server.port(),
                TlsCredentials.forApp(pki.resolve("ca.crt"), "squadron", "shuffle"))
            .build();
    toClose.add(channel::shutdownNow);
    return ShuffleServiceGrpc.newBlockingStub(channel);
  }

  private static String callerSeen(ShuffleServiceGrpc.ShuffleServiceBlockingStub stub) {
    return stub.shuffle(ShuffleRequest.getDefaultInstance()).getTracks(0).getTrackId();
  }

  private static StatusRuntimeException failure(
      ShuffleServiceGrpc.ShuffleServiceBlockingStub stub) {
    try {
      stub.shuffle(ShuffleRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("call succeeded");
  }

  private static ErrorInfo errorInfo(StatusRuntimeException e) throws Exception {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    assertThat(status).isNotNull();
    for (var detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        return detail.unpack(ErrorInfo.class);
      }
    }
    throw new AssertionError("no ErrorInfo in " + status);
  }

  private double denied(String caller, String reason) {
    Counter c =
        registry
            .find(SecurityMetrics.DENIED)
            .tags("caller", caller, "reason", reason, "method", "Shuffle")
            .counter();
    return c == null ? 0 : c.count();
  }

  private double rateLimited(String caller) {
    Counter c =
        registry
            .find(SecurityMetrics.RATE_LIMITED)
            .tags("caller", caller, "method", "Shuffle")
            .counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void allowedService_succeeds_andHandlerSeesCallerFromCertificate() {
    SquadronServer server = server("");

    assertThat(callerSeen(stubAs("checkout", server))).isEqualTo("checkout");
    assertThat(registry.scrape()).contains("caller=\"checkout\"");
  }

  @Test
  void certificateFromAnotherCa_failsHandshake_neverReachesHandler() {
    SquadronServer server = server("");
    var stub =
        stubAs(
            "checkout",
            server,
            ", cert-file = \"%s\", key-file = \"%s\""
                .formatted(roguePki.resolve("checkout.crt"), roguePki.resolve("checkout.key")));

    assertThat(failure(stub).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(service.handled).hasValue(0);
  }

  @Test
  void expiredCertificate_failsHandshake() {
    SquadronServer server = server("");
    var stub =
        stubAs(
            "checkout",
            server,
            ", cert-file = \"%s\", key-file = \"%s\""
                .formatted(
                    pki.resolve("expired-checkout.crt"), pki.resolve("expired-checkout.key")));

    assertThat(failure(stub).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(service.handled).hasValue(0);
  }

  @Test
  void certificateWithoutAPlatformIdentity_unauthenticated() throws Exception {
    SquadronServer server = server("");
    var stub =
        stubAs(
            "checkout",
            server,
            ", cert-file = \"%s\", key-file = \"%s\""
                .formatted(
                    pki.resolve("foreign-checkout.crt"), pki.resolve("foreign-checkout.key")));

    StatusRuntimeException e = failure(stub);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(errorInfo(e).getReason()).isEqualTo("UNAUTHENTICATED_CALLER");
    assertThat(service.handled).hasValue(0);
    assertThat(denied("unknown", "UNAUTHENTICATED_CALLER")).isEqualTo(1);
  }

  @Test
  void clientRefusesServerCertifiedAsAnotherService() {
    SquadronServer server =
        server("billing", ""); // the address "shuffle" resolves to runs as billing

    StatusRuntimeException e = failure(stubAs("checkout", server));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(service.handled).hasValue(0);
  }

  @Test
  void clientChecksTheServiceIdentity_notTheHostName() {
    SquadronServer server = server("");
    // Reached under a DNS name its certificate does not carry (as through a Kubernetes Service):
    // still "shuffle".
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(
                "127.0.0.1",
                server.port(),
                TlsCredentials.client(
                    SecuritySettings.TlsFiles.inDirectory(pki, "checkout"), "squadron", "shuffle"))
            .overrideAuthority("shuffle.prod.svc.cluster.local:7000")
            .build();
    toClose.add(channel::shutdownNow);

    assertThat(callerSeen(ShuffleServiceGrpc.newBlockingStub(channel))).isEqualTo("checkout");
  }

  @Test
  void validCertificateOfServiceNotInPolicy_permissionDenied_namingMethodAndCaller()
      throws Exception {
    SquadronServer server = server("");

    StatusRuntimeException e = failure(stubAs("billing", server));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(e.getStatus().getDescription())
        .isEqualTo("caller 'billing' may not call squadron.shuffle.v1.ShuffleService/Shuffle");
    assertThat(errorInfo(e).getReason()).isEqualTo("CALLER_NOT_ALLOWED");
    assertThat(service.handled).hasValue(0);
    assertThat(denied("billing", "CALLER_NOT_ALLOWED")).isEqualTo(1);
    assertThat(registry.scrape()).contains("squadron_rpc_server_denied_total{caller=\"billing\"");
  }

  @Test
  void appToken_good_bad_missing() throws Exception {
    SquadronServer server =
        server(
            "squadron.security.apps.ios.token-sha256 = \"%s\""
                .formatted(AppTokens.sha256Hex(APP_TOKEN)));
    var app = appStub(server);

    assertThat(callerSeen(app.withCallCredentials(ClientSecurity.appToken(APP_TOKEN))))
        .isEqualTo("app:ios");

    StatusRuntimeException bad =
        failure(app.withCallCredentials(ClientSecurity.appToken("not-the-token")));
    assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(bad.getStatus().getDescription()).doesNotContain("not-the-token");
    assertThat(errorInfo(bad).getReason()).isEqualTo("UNAUTHENTICATED_CALLER");

    StatusRuntimeException missing = failure(app);
    assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);

    assertThat(service.handled).hasValue(1);
    assertThat(denied("unknown", "UNAUTHENTICATED_CALLER")).isEqualTo(2);
    // Services with certificates still get in on the same port.
    assertThat(callerSeen(stubAs("checkout", server))).isEqualTo("checkout");
  }

  @Test
  void withoutAppTokens_aConnectionWithoutCertificate_failsHandshake() throws Exception {
    SquadronServer server = server("");

    StatusRuntimeException e =
        failure(appStub(server).withCallCredentials(ClientSecurity.appToken(APP_TOKEN)));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(service.handled).hasValue(0);
  }

  @Test
  void defaultLimit_rejectsOverTheConfiguredRate_withRetryInfo() throws Exception {
    SquadronServer server = server(""); // default: 10/s, burst 5
    var checkout = stubAs("checkout", server);

    for (int i = 0; i < 5; i++) {
      assertThat(callerSeen(checkout)).isEqualTo("checkout");
    }
    StatusRuntimeException e = failure(checkout);

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(errorInfo(e).getReason()).isEqualTo("RATE_LIMITED");
    RetryInfo retry =
        StatusProto.fromThrowable(e).getDetailsList().stream()
            .filter(d -> d.is(RetryInfo.class))
            .findFirst()
            .orElseThrow()
            .unpack(RetryInfo.class);
    assertThat(retry.getRetryDelay().getSeconds()).isZero();
    assertThat(retry.getRetryDelay().getNanos()).isEqualTo(100_000_000);
    assertThat(rateLimited("checkout")).isEqualTo(1);

    clock.addAndGet(Duration.ofMillis(100).toNanos()); // one token refills
    assertThat(callerSeen(checkout)).isEqualTo("checkout");
    assertThat(failure(checkout).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(service.handled).hasValue(6);
    assertThat(rateLimited("checkout")).isEqualTo(2);
    assertThat(registry.scrape())
        .contains("squadron_rpc_server_rate_limited_total{caller=\"checkout\"");
  }

  @Test
  void override_liftsTheLimitForOneCallerOnly() {
    SquadronServer server =
        server(
            """
        squadron.rate-limits.overrides = [{ caller = checkout, method = "%s/Shuffle", rate = 100, burst = 50 }]
        """
                .formatted(SHUFFLE));
    var checkout = stubAs("checkout", server);
    var search = stubAs("search", server);

    for (int i = 0; i < 50; i++) {
      callerSeen(checkout);
    }
    for (int i = 0; i < 5; i++) {
      callerSeen(search);
    }

    assertThat(failure(search).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(failure(checkout).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(rateLimited("search")).isEqualTo(1);
    assertThat(rateLimited("checkout")).isEqualTo(1);
  }

  @Test
  void policyFileReload_takesEffectWithoutRestart() throws Exception {
    Path policy = Files.createTempFile(pki, "policy", ".conf");
    Files.writeString(policy, "policy { \"%s\" = [checkout] }".formatted(SHUFFLE));
    SquadronServer server = server("squadron.permissions.file = \"%s\"".formatted(policy));
    var checkout = stubAs("checkout", server);
    var billing = stubAs("billing", server);
    assertThat(callerSeen(checkout)).isEqualTo("checkout");
    assertThat(failure(billing).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);

    Files.writeString(policy, "policy { \"%s/Shuffle\" = [billing] }".formatted(SHUFFLE));
    assertThat(security.reloadPermissions())
        .isTrue(); // the admin call; the watcher does the same on its own

    assertThat(callerSeen(billing)).isEqualTo("billing");
    assertThat(failure(checkout).getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(denied("checkout", "CALLER_NOT_ALLOWED")).isEqualTo(1);
    assertThat(denied("billing", "CALLER_NOT_ALLOWED")).isEqualTo(1);
  }

  @Test
  void invalidPolicyFile_keepsTheOldPolicy() throws Exception {
    Path policy = Files.createTempFile(pki, "policy", ".conf");
    Files.writeString(policy, "policy { \"%s\" = [checkout] }".formatted(SHUFFLE));
    SquadronServer server = server("squadron.permissions.file = \"%s\"".formatted(policy));

    Files.writeString(policy, "policy { \"%s\" = [\"Not A Caller\"] }".formatted(SHUFFLE));
    assertThatThrownBy(security::reloadPermissions).hasMessageContaining("Not A Caller");

    assertThat(callerSeen(stubAs("checkout", server))).isEqualTo("checkout");
  }

  @Test
  void plaintextDevelopmentMode_takesTheCallerFromTheHeader() {
    Config config =
        config(
            """
        squadron.security { mode = plaintext-dev, service-name = shuffle }
        squadron.permissions.policy { "%s" = [checkout] }
        """
                .formatted(SHUFFLE));
    SquadronServer.Builder builder =
        SquadronServer.builder(ServerSettings.loopback()).service(service);
    toClose.add(ServerSecurity.configure(builder, config, registry, clock::get));
    SquadronServer server = builder.build().start();
    toClose.add(server);
    Config client =
        config(
            """
        squadron.security { mode = plaintext-dev, service-name = checkout }
        squadron.clients.shuffle.addresses = ["127.0.0.1:%d"]
        """
                .formatted(server.port()));
    ChannelFactory channels =
        ClientSecurity.configure(ChannelFactory.builder(ClientsSettings.from(client)), client)
            .build();
    toClose.add(channels);

    assertThat(callerSeen(ShuffleServiceGrpc.newBlockingStub(channels.channel("shuffle"))))
        .isEqualTo("checkout");
  }

  @Test
  void withAppTokens_healthAndReflectionWithoutAnIdentity_unauthenticated() throws Exception {
    SquadronServer server =
        server(
            "squadron.security.apps.ios.token-sha256 = \"%s\""
                .formatted(AppTokens.sha256Hex(APP_TOKEN)));
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(
                "127.0.0.1",
                server.port(),
                TlsCredentials.forApp(pki.resolve("ca.crt"), "squadron", "shuffle"))
            .build();
    toClose.add(channel::shutdownNow);
    var anonymousHealth =
        HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> anonymousHealth.check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    assertThatThrownBy(
            () -> anonymousHealth.watch(HealthCheckRequest.getDefaultInstance()).hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    CompletableFuture<Status> reflection = new CompletableFuture<>();
    ServerReflectionGrpc.newStub(channel)
        .serverReflectionInfo(
            new StreamObserver<>() {
              @Override
              public void onNext(ServerReflectionResponse value) {
                reflection.complete(Status.OK);
              }

              @Override
              public void onError(Throwable t) {
                reflection.complete(Status.fromThrowable(t));
              }

              @Override
              public void onCompleted() {}
            })
        .onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    assertThat(reflection.get(10, TimeUnit.SECONDS).getCode())
        .isEqualTo(Status.Code.UNAUTHENTICATED);

    // An identified app, and a service, still get both.
    assertThat(
            anonymousHealth
                .withCallCredentials(ClientSecurity.appToken(APP_TOKEN))
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus())
        .isEqualTo(ServingStatus.SERVING);
    assertThat(service.handled).hasValue(0);
  }

  @Test
  void appRequestOverTheAppLimit_resourceExhaustedBeforeTheHandler_aServiceMaySendIt()
      throws Exception {
    ServerSettings settings =
        ServerSettings.loopback()
            .withLimits(ServerLimits.DEFAULT.withAppMaxInboundMessageSize(64 * 1024));
    SquadronServer server =
        server(
            "shuffle",
            "squadron.security.apps.ios.token-sha256 = \"%s\""
                .formatted(AppTokens.sha256Hex(APP_TOKEN)),
            settings);
    ShuffleRequest.Builder big = ShuffleRequest.newBuilder();
    for (int i = 0; i < 2000; i++) {
      big.addTracks(
          Track.newBuilder().setTrackId("track-%040d".formatted(i)).setArtistId("artist-" + i));
    }
    ShuffleRequest request = big.build();
    assertThat(request.getSerializedSize()).isGreaterThan(64 * 1024);
    var app = appStub(server).withCallCredentials(ClientSecurity.appToken(APP_TOKEN));

    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> app.shuffle(request));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(errorInfo(e).getReason()).isEqualTo("REQUEST_TOO_LARGE");
    assertThat(e.getStatus().getDescription()).contains("client app");
    assertThat(service.handled).hasValue(0);
    assertThat(stubAs("checkout", server).shuffle(request).getTracks(0).getTrackId())
        .isEqualTo("checkout");
    assertThat(service.handled).hasValue(1);
  }

  @Test
  void appToken_neverSentOverAnInsecureChannel() {
    Config config =
        config(
            """
        squadron.security { mode = plaintext-dev, service-name = shuffle, apps.ios.token-sha256 = "%s" }
        squadron.permissions.policy { "%s/Shuffle" = ["app:*"] }
        """
                .formatted(AppTokens.sha256Hex(APP_TOKEN), SHUFFLE));
    SquadronServer.Builder builder =
        SquadronServer.builder(ServerSettings.loopback()).service(service);
    toClose.add(ServerSecurity.configure(builder, config, registry, clock::get));
    SquadronServer server = builder.build().start();
    toClose.add(server);
    ManagedChannel plaintext =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    toClose.add(plaintext::shutdownNow);

    StatusRuntimeException e =
        failure(
            ShuffleServiceGrpc.newBlockingStub(plaintext)
                .withCallCredentials(ClientSecurity.appToken(APP_TOKEN)));

    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
    assertThat(e.getStatus().getDescription()).contains("not secure").doesNotContain(APP_TOKEN);
    assertThat(service.handled).hasValue(0);
    assertThat(denied("unknown", "UNAUTHENTICATED_CALLER")).isZero(); // nothing reached the server
  }

  @Test
  void plaintextDevelopmentMode_onANonLoopbackHost_isRefused() {
    Config config =
        config(
            """
        squadron.security { mode = plaintext-dev, service-name = shuffle }
        squadron.server.host = "0.0.0.0"
        """);
    SquadronServer.Builder builder =
        SquadronServer.builder(ServerSettings.loopback()).service(service);

    assertThatThrownBy(() -> ServerSecurity.configure(builder, config, registry, clock::get))
        .isInstanceOf(io.squadron.rpc.config.InvalidConfigException.class)
        .hasMessageStartingWith("squadron.security.mode:")
        .hasMessageContaining("loopback");
    // The builder refuses a plaintext listener beyond loopback whoever configured it.
    SquadronServer.Builder anywhere =
        io.squadron.rpc.server.TestServers.anyCaller(
                SquadronServer.builder(
                    new ServerSettings(
                        "0.0.0.0",
                        0,
                        4 << 20,
                        Duration.ofSeconds(1),
                        Duration.ZERO,
                        Duration.ofSeconds(1),
                        ServerLimits.DEFAULT,
                        io.squadron.rpc.server.AdminSettings.LOOPBACK,
                        io.squadron.rpc.metrics.MetricsSettings.DEFAULT)))
            .service(service);
    assertThatThrownBy(anywhere::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("plaintext gRPC on 0.0.0.0");
  }

  @Test
  void certificateRotation_newCaBundleAndNewServerCertificate_takeEffectWithoutRestart()
      throws Exception {
    Path live = Files.createTempDirectory(pki, "live");
    Files.copy(pki.resolve("ca.crt"), live.resolve("ca.crt"));
    Files.copy(pki.resolve("shuffle.crt"), live.resolve("shuffle.crt"));
    Files.copy(pki.resolve("shuffle.key"), live.resolve("shuffle.key"));
    Path next = Files.createTempDirectory(pki, "next");
    DevCertificateAuthority nextCa = DevCertificateAuthority.create("next platform CA");
    nextCa.writeTo(next);
    nextCa.issue("checkout").writeTo(next, "checkout");
    nextCa.issue("shuffle").writeTo(next, "shuffle");
    Path bundle = next.resolve("bundle.crt");
    Files.writeString(
        bundle, Files.readString(pki.resolve("ca.crt")) + Files.readString(next.resolve("ca.crt")));
    SquadronServer server =
        server("shuffle", "squadron.security.cert-dir = \"%s\"".formatted(live));
    String nextCheckout =
        ", ca-file = \"%s\", cert-file = \"%s\", key-file = \"%s\""
            .formatted(bundle, next.resolve("checkout.crt"), next.resolve("checkout.key"));
    assertThat(failure(stubAs("checkout", server, nextCheckout)).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);

    // CA rotation, step 1: the server trusts both CAs (the bundle), without a restart.
    Files.copy(bundle, live.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
    assertThat(security.reloadCertificates()).isTrue();
    assertThat(callerSeen(stubAs("checkout", server, nextCheckout))).isEqualTo("checkout");

    // Step 2: the server presents a certificate of the new CA; a client trusting only the new CA
    // accepts it.
    String onlyNextCa =
        ", ca-file = \"%s\", cert-file = \"%s\", key-file = \"%s\""
            .formatted(
                next.resolve("ca.crt"), next.resolve("checkout.crt"), next.resolve("checkout.key"));
    assertThat(failure(stubAs("checkout", server, onlyNextCa)).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    Files.copy(
        next.resolve("shuffle.key"),
        live.resolve("shuffle.key"),
        StandardCopyOption.REPLACE_EXISTING);
    // Only the key replaced so far: it does not match the certificate, and the old pair stays in
    // use.
    security.reloadCertificates();
    assertThat(callerSeen(stubAs("checkout", server))).isEqualTo("checkout");
    Files.copy(
        next.resolve("shuffle.crt"),
        live.resolve("shuffle.crt"),
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(security.reloadCertificates()).isTrue();
    assertThat(callerSeen(stubAs("checkout", server, onlyNextCa))).isEqualTo("checkout");
  }

  @Test
  void rateLimitOverridesFile_reloadedWithoutRestart_bucketsInUseTakeTheNewLimit()
      throws Exception {
    Path limits = Files.createTempFile(pki, "limits", ".conf");
    Files.writeString(limits, "overrides = []");
    SquadronServer server =
        server("squadron.rate-limits.file = \"%s\"".formatted(limits)); // default 10/s, 5
    var checkout = stubAs("checkout", server);
    for (int i = 0; i < 5; i++) {
      callerSeen(checkout);
    }
    assertThat(failure(checkout).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    Files.writeString(
        limits,
        """
        overrides = [{ caller = checkout, method = "%s/Shuffle", rate = 10, burst = 50 }]
        """
            .formatted(SHUFFLE));
    assertThat(security.reloadRateLimits())
        .isTrue(); // the admin call; the watcher does the same on its own

    // The clock has not moved: the 5 used stay used, 45 more of the new burst are there.
    for (int i = 0; i < 45; i++) {
      assertThat(callerSeen(checkout)).isEqualTo("checkout");
    }
    assertThat(failure(checkout).getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    Files.writeString(
        limits, "overrides = [{ caller = checkout, method = \"*\", rate = -1, burst = 1 }]");
    assertThatThrownBy(security::reloadRateLimits)
        .hasMessageStartingWith(limits + ": squadron.rate-limits.overrides[0]");
  }

  @Test
  void longLivedStream_closedWithPermissionDeniedWhenThePolicyNoLongerAllowsItsCaller()
      throws Exception {
    MethodDescriptor<byte[], byte[]> ticks =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName("squadron.test.v1.TickService/Ticks")
            .setRequestMarshaller(new BytesMarshaller())
            .setResponseMarshaller(new BytesMarshaller())
            .build();
    CompletableFuture<io.grpc.stub.ServerCallStreamObserver<byte[]>> handlerSide =
        new CompletableFuture<>();
    io.grpc.ServerServiceDefinition tickService =
        io.grpc.ServerServiceDefinition.builder(
                io.grpc.ServiceDescriptor.newBuilder("squadron.test.v1.TickService")
                    .addMethod(ticks)
                    .build())
            .addMethod(
                ticks,
                io.grpc.stub.ServerCalls.asyncServerStreamingCall(
                    (request, out) -> {
                      out.onNext(new byte[] {1});
                      handlerSide.complete((io.grpc.stub.ServerCallStreamObserver<byte[]>) out);
                    }))
            .build();
    Path policy = Files.createTempFile(pki, "policy", ".conf");
    Files.writeString(policy, "policy { \"squadron.test.v1.TickService\" = [checkout] }");
    Config config =
        config(
            """
        squadron.security { service-name = shuffle, cert-dir = "%s" }
        squadron.permissions.file = "%s"
        """
                .formatted(pki, policy));
    SquadronServer.Builder builder =
        SquadronServer.builder(ServerSettings.loopback()).service(tickService);
    security = ServerSecurity.configure(builder, config, registry, clock::get);
    toClose.add(security);
    SquadronServer server = builder.build().start();
    toClose.add(server);
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(
                "127.0.0.1",
                server.port(),
                TlsCredentials.client(
                    SecuritySettings.TlsFiles.inDirectory(pki, "checkout"), "squadron", "shuffle"))
            .build();
    toClose.add(channel::shutdownNow);
    CompletableFuture<byte[]> first = new CompletableFuture<>();
    CompletableFuture<Status> ended = new CompletableFuture<>();
    io.grpc.stub.ClientCalls.asyncServerStreamingCall(
        channel.newCall(ticks, io.grpc.CallOptions.DEFAULT),
        new byte[0],
        new StreamObserver<>() {
          @Override
          public void onNext(byte[] value) {
            first.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            ended.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            ended.complete(Status.OK);
          }
        });
    assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly(1);
    io.grpc.stub.ServerCallStreamObserver<byte[]> out = handlerSide.get(10, TimeUnit.SECONDS);

    Files.writeString(policy, "policy { \"squadron.test.v1.TickService\" = [billing] }");
    assertThat(security.reloadPermissions()).isTrue();

    Status status = ended.get(10, TimeUnit.SECONDS);
    assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(status.getDescription())
        .isEqualTo("caller 'checkout' may no longer call squadron.test.v1.TickService/Ticks");
    // The handler learns its stream is gone, and what it sends afterwards goes nowhere.
    assertThat(out.isCancelled()).isTrue();
    out.onNext(new byte[] {2});
  }

  private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    @Override
    public java.io.InputStream stream(byte[] value) {
      return new java.io.ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(java.io.InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
