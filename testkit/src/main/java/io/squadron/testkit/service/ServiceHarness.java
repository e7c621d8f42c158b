package io.squadron.testkit.service;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.squadron.infra.certs.TlsContexts;
import io.squadron.infra.providers.ProvidersSimCredentials;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.descriptor.DescriptorSource;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.platform.ServiceConfig;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A service started exactly as it runs in production, for tests and benchmarks: from its descriptor
 * and its main class's {@code start(Config)}, on a free loopback port, with mutual TLS
 * (certificates of the JVM's test CA), its real permission policy, the stores it is given, fresh
 * secrets, and channels to it as any caller. JUnit tests use {@link ServiceExtension}, which makes
 * the stores and runs this; a benchmark (a plain {@code main}) uses it directly with stores of its
 * own.
 *
 * <pre>{@code
 * try (ServiceHarness padlock = ServiceHarness.forService("padlock")
 *         .cassandra(endpoint, "bench_padlock").memcached("127.0.0.1:11211", "bench:").start()) {
 *   var stub = padlock.stub("userdb", PadlockServiceGrpc::newBlockingStub);
 * }
 * }</pre>
 */
public final class ServiceHarness implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final DescriptorSource source;
  private final Map<String, Integer> callees = new LinkedHashMap<>();
  private final List<String> extraConfig = new ArrayList<>();
  private final Map<String, String> appTokens = new LinkedHashMap<>();
  private final Map<String, String> storeConfig = new LinkedHashMap<>();
  private final List<String> externalConfig = new ArrayList<>();
  private final SecureRandom random = new SecureRandom();
  private Duration clientDeadline = Duration.ofSeconds(20);

  private Config config;
  private SquadronServer server;
  private int lastPort;
  private final List<SquadronServer> extraInstances = new ArrayList<>();
  private final Map<String, ChannelFactory> channelsByCaller = new LinkedHashMap<>();
  private final Map<String, ManagedChannel> appChannels = new LinkedHashMap<>();
  private final Map<String, HttpClient> httpClients = new LinkedHashMap<>();

  private ServiceHarness(DescriptorSource source) {
    this.source = source;
  }

  /**
   * The service whose descriptor on the class path names it {@code name}.
   *
   * @throws IllegalArgumentException when no descriptor names it
   */
  public static ServiceHarness forService(String name) {
    requireNonNull(name, "name");
    DescriptorSource found = Platform.descriptorsOnClassPath().get(name);
    if (found == null) {
      throw new IllegalArgumentException(
          "no squadron-service.conf on the class path names '"
              + name
              + "' (found: "
              + Platform.descriptorsOnClassPath().keySet()
              + "); add the service module as a "
              + "(test) dependency");
    }
    return new ServiceHarness(found);
  }

  /** The service's descriptor. */
  public ServiceDescriptor descriptor() {
    return source.descriptor();
  }

  /** The service's name. */
  public String name() {
    return source.descriptor().name();
  }

  /** {@code squadron.clients.<service>} points at {@code port} on loopback. */
  public ServiceHarness calls(String service, int port) {
    callees.put(requireNonNull(service, "service"), port);
    return this;
  }

  /** The service's PostgreSQL database ({@code squadron.stores.postgres.url}). */
  public ServiceHarness postgres(String jdbcUrl) {
    storeConfig.put("squadron.stores.postgres.url", requireNonNull(jdbcUrl, "jdbcUrl"));
    return this;
  }

  /** The service's Cassandra keyspace ({@code squadron.stores.cassandra}). */
  public ServiceHarness cassandra(String endpoint, String keyspace) {
    storeConfig.put("squadron.stores.cassandra.endpoint", requireNonNull(endpoint, "endpoint"));
    storeConfig.put("squadron.stores.cassandra.keyspace", requireNonNull(keyspace, "keyspace"));
    return this;
  }

  /** The service's memcached prefix ({@code squadron.stores.memcached}). */
  public ServiceHarness memcached(String addresses, String keyPrefix) {
    storeConfig.put("squadron.stores.memcached.addresses", requireNonNull(addresses, "addresses"));
    storeConfig.put("squadron.stores.memcached.key-prefix", requireNonNull(keyPrefix, "keyPrefix"));
    return this;
  }

  /**
   * The service's Kafka cluster ({@code squadron.stores.kafka}); {@code topicPrefix} keeps the
   * topics of one test class apart from another's on a shared broker.
   */
  public ServiceHarness kafka(String bootstrapServers, String topicPrefix) {
    storeConfig.put(
        "squadron.stores.kafka.bootstrap-servers",
        requireNonNull(bootstrapServers, "bootstrapServers"));
    storeConfig.put(
        "squadron.stores.kafka.topic-prefix", requireNonNull(topicPrefix, "topicPrefix"));
    return this;
  }

  /**
   * The payment provider simulator at {@code baseUrl} (the descriptor store kind {@code
   * providers-sim}): the standard {@code squadron.providers} keys, with the credentials its control
   * API shows.
   */
  public ServiceHarness providersSim(String baseUrl) {
    externalConfig.add(ProvidersSimCredentials.storeConfig(requireNonNull(baseUrl, "baseUrl")));
    return this;
  }

  /** HOCON over the generated config (later calls win). */
  public ServiceHarness config(String hocon) {
    extraConfig.add(requireNonNull(hocon, "hocon"));
    return this;
  }

  /** Configures a client app {@code app:<name>} with a fresh token, for {@link #appStub}. */
  public ServiceHarness appToken(String appName) {
    appTokens.put(requireNonNull(appName, "appName"), Platform.newAppToken());
    return this;
  }

  /** The deadline of calls through {@link #stub} (default 20 s: a busy 2-core machine is slow). */
  public ServiceHarness clientDeadline(Duration deadline) {
    this.clientDeadline = requireNonNull(deadline, "deadline");
    return this;
  }

  /** Builds the config and starts the service; waits until it reports ready. */
  public synchronized ServiceHarness start() {
    if (config == null) {
      config = ServiceConfig.withOverrides(source, ConfigFactory.parseString(generatedConfig()));
    }
    if (server == null) {
      Config instance =
          lastPort == 0
              ? config
              : ConfigFactory.parseString("squadron.server.port = " + lastPort)
                  .withFallback(config);
      server = startReady(instance);
      lastPort = server.port();
    }
    return this;
  }

  private String generatedConfig() {
    ServiceDescriptor d = source.descriptor();
    Path certs = TestCertificates.shared().dirFor(d.name());
    StringBuilder hocon =
        new StringBuilder()
            .append("squadron.security { mode = mtls, cert-dir = ")
            .append(quote(certs.toString()))
            .append(" }\n")
            .append("squadron.server { host = \"127.0.0.1\", port = 0, ")
            .append("shutdown { grace-period = 2s, drain-delay = 0s } }\n")
            .append("squadron.admin { host = \"127.0.0.1\", port = 0 }\n");
    storeConfig.forEach(
        (key, value) -> hocon.append(key).append(" = ").append(quote(value)).append('\n'));
    externalConfig.forEach(hocon::append);
    callees.forEach(
        (callee, port) ->
            hocon
                .append("squadron.clients.")
                .append(callee)
                .append(".addresses = [")
                .append(quote("127.0.0.1:" + port))
                .append("]\n"));
    for (ServiceDescriptor.Secret secret : d.secrets()) {
      byte[] value = new byte[secret.randomBytes()];
      random.nextBytes(value);
      hocon
          .append(secret.configKey())
          .append(" = ")
          .append(quote(Base64.getEncoder().encodeToString(value)))
          .append('\n');
    }
    appTokens.forEach(
        (app, token) ->
            hocon
                .append("squadron.security.apps.")
                .append(quote(app))
                .append(".token-sha256 = ")
                .append(quote(Platform.appTokenSha256(token)))
                .append('\n'));
    extraConfig.forEach(extra -> hocon.append(extra).append('\n'));
    return hocon.toString();
  }

  /** The config the service was started with (stores, certificates, the caller's own keys). */
  public synchronized Config config() {
    if (config == null) {
      throw new IllegalStateException(name() + " is not started yet");
    }
    return config;
  }

  /**
   * Starts one more instance with {@code hocon} over the config (same stores); stopped by {@link
   * #close()}.
   */
  public synchronized SquadronServer startInstance(String hocon) {
    return startInstance(ConfigFactory.parseString(hocon).withFallback(config()));
  }

  /**
   * Starts one more instance with a config of the caller's own making; stopped by {@link #close()}.
   */
  public synchronized SquadronServer startInstance(Config instanceConfig) {
    SquadronServer another = startReady(instanceConfig);
    extraInstances.add(another);
    return another;
  }

  private SquadronServer startReady(Config instanceConfig) {
    SquadronServer started = invokeStart(instanceConfig.resolve());
    try {
      Await.until(
          READY_TIMEOUT,
          name() + " ready",
          () -> {
            started.refreshReadiness();
            return started.isReady();
          });
    } catch (AssertionError e) {
      AssertionError notReady =
          new AssertionError(name() + " not ready; failing checks: " + started.failingChecks(), e);
      started.shutdownGracefully();
      throw notReady;
    }
    return started;
  }

  private SquadronServer invokeStart(Config instanceConfig) {
    try {
      Class<?> main = Class.forName(source.descriptor().mainClass());
      Method start = main.getMethod("start", Config.class);
      return (SquadronServer)
          requireNonNull(start.invoke(null, instanceConfig), "start returned null");
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(name() + " failed to start", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          source.descriptor().mainClass() + " has no public static start(Config)", e);
    }
  }

  /**
   * Stops the service gracefully; channels stay and reconnect after {@link #start()} (same port).
   */
  public synchronized void stop() {
    if (server != null) {
      server.shutdownGracefully();
      server = null;
    }
  }

  /** The running server (its port, metrics registry, readiness). */
  public synchronized SquadronServer server() {
    if (server == null) {
      throw new IllegalStateException(name() + " is not running");
    }
    return server;
  }

  /** The bound gRPC port. */
  public int port() {
    return server().port();
  }

  /**
   * The bound HTTP/JSON port ({@code http-json} in the descriptor).
   *
   * @throws IllegalStateException when the service serves no HTTP/JSON
   */
  public int httpPort() {
    int port = server().httpPort();
    if (port < 0) {
      throw new IllegalStateException(
          name() + " serves no HTTP/JSON (its descriptor has no http-json)");
    }
    return port;
  }

  /** {@code https://127.0.0.1:<http port><pathAndQuery>}, e.g. {@code httpUri("/v1/shuffle")}. */
  public URI httpUri(String pathAndQuery) {
    requireNonNull(pathAndQuery, "pathAndQuery");
    return URI.create("https://127.0.0.1:" + httpPort() + pathAndQuery);
  }

  /**
   * An HTTP client for the service's HTTP/JSON listener, trusting the test CA: as {@code caller}
   * (its client certificate, like a service) or, with {@code caller} empty, anonymous (like a
   * browser; add the app's {@code Authorization: Bearer} header yourself).
   */
  public synchronized HttpClient httpClient(Optional<String> caller) {
    requireNonNull(caller, "caller");
    return httpClients.computeIfAbsent(
        caller.orElse(""),
        c -> {
          Path certs =
              caller.isPresent()
                  ? TestCertificates.shared().dirFor(caller.get(), name())
                  : TestCertificates.shared().dirFor(name());
          try {
            return HttpClient.newBuilder()
                .sslContext(TlsContexts.client(certs, caller))
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(clientDeadline)
                .build();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * A channel to the service as {@code caller} (a service name), over mutual TLS with a certificate
   * of the test CA, through rpc-core's client (ELS, deadlines, client metrics). The same channel is
   * reused across a restart.
   */
  public synchronized Channel channel(String caller) {
    return channelsByCaller.computeIfAbsent(caller, c -> channelsAs(c, port())).channel(name());
  }

  /** A stub as {@code caller}, e.g. {@code stub("checkout", UserServiceGrpc::newBlockingStub)}. */
  public <S> S stub(String caller, Function<Channel, S> newStub) {
    return newStub.apply(channel(caller));
  }

  /** A stub as {@code caller} to another instance ({@link #startInstance}). */
  public synchronized <S> S stub(
      String caller, SquadronServer instance, Function<Channel, S> newStub) {
    String key = caller + "@" + instance.port();
    return newStub.apply(
        channelsByCaller
            .computeIfAbsent(key, k -> channelsAs(caller, instance.port()))
            .channel(name()));
  }

  /**
   * A stub as the client app {@code app:<appName>} (configured with {@link #appToken}): TLS without
   * a client certificate and {@code authorization: Bearer <token>}, as an app would call.
   */
  public synchronized <S extends io.grpc.stub.AbstractStub<S>> S appStub(
      String appName, Function<Channel, S> newStub) {
    String token = appTokenOf(appName);
    ManagedChannel channel =
        appChannels.computeIfAbsent(
            appName,
            a ->
                NettyChannelBuilder.forAddress(
                        "127.0.0.1",
                        port(),
                        Platform.appTls(
                            TestCertificates.shared().dirFor(name()).resolve("ca.crt"), name()))
                    .build());
    return newStub
        .apply(channel)
        .withCallCredentials(Platform.appToken(token))
        .withDeadlineAfter(clientDeadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The token of {@code app:<appName>}. */
  public String appTokenOf(String appName) {
    String token = appTokens.get(appName);
    if (token == null) {
      throw new IllegalStateException(
          "no app '" + appName + "': configure it with appToken(\"" + appName + "\")");
    }
    return token;
  }

  private ChannelFactory channelsAs(String caller, int port) {
    Path certs = TestCertificates.shared().dirFor(caller, name());
    Config client =
        ConfigLoader.withOverrides(
            ConfigFactory.parseString(
                "squadron.security { service-name = "
                    + quote(caller)
                    + ", cert-dir = "
                    + quote(certs.toString())
                    + " }\n"
                    + "squadron.clients."
                    + name()
                    + " { addresses = ["
                    + quote("127.0.0.1:" + port)
                    + "], deadline = "
                    + clientDeadline.toMillis()
                    + "ms }\n"));
    return Platform.clients(client, Platform.newMeterRegistry()).build();
  }

  /** Closes the channels, stops the extra instances and the service. */
  @Override
  public synchronized void close() {
    channelsByCaller.values().forEach(ChannelFactory::close);
    channelsByCaller.clear();
    appChannels.values().forEach(ManagedChannel::shutdownNow);
    appChannels.clear();
    httpClients.clear();
    extraInstances.forEach(SquadronServer::shutdownGracefully);
    extraInstances.clear();
    stop();
  }

  private static String quote(String value) {
    return ConfigUtil.quoteString(value);
  }
}
