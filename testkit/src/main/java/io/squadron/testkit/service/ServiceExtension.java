package io.squadron.testkit.service;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.descriptor.DescriptorSource;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.platform.ServiceConfig;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.Await;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.MemcachedExtension;
import io.squadron.testkit.PostgresExtension;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a service for a test class exactly as it runs in production: from its descriptor and its main class's
 * {@code start(Config)}, on a free loopback port, with mutual TLS, its real permission policy and real stores (a
 * database, keyspace or key prefix of its own, created for the class), and stops it after the class.
 *
 * <pre>{@code
 * &#64;RegisterExtension
 * static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");
 * &#64;RegisterExtension
 * static final ServiceExtension USERDB = ServiceExtension.forService("userdb").calls(PADLOCK)
 *     .config("squadron.userdb.store = cassandra");
 *
 * &#64;Test void createsUsers() {
 *   var users = USERDB.stub("checkout", UserServiceGrpc::newBlockingStub);   // called as checkout, over mTLS
 *   ...
 *   try (Connection c = USERDB.postgres().dataSource().getConnection()) { ... }  // what was stored
 * }
 * }</pre>
 *
 * <p>Stores come from testkit's store extensions on the test JVM's shared servers; a fault test passes its own
 * ({@code PostgresExtension.ownServer()}, declared before this extension) with {@link #postgres(PostgresExtension)}
 * and friends. Secrets the descriptor lists are generated fresh. The service sees the caller identities the test
 * uses ({@link #stub(String, Function)}) through certificates of the test JVM's CA ({@link TestCertificates}).
 */
public final class ServiceExtension implements BeforeAllCallback, AfterAllCallback {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration DEFAULT_CLIENT_DEADLINE = Duration.ofSeconds(20);

  private final DescriptorSource source;
  private final List<ServiceExtension> callees = new ArrayList<>();
  private final List<String> extraConfig = new ArrayList<>();
  private final Map<String, String> appTokens = new LinkedHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private PostgresExtension postgres;
  private CassandraExtension cassandra;
  private MemcachedExtension memcached;
  private final List<Object> ownStores = new ArrayList<>();
  private Duration clientDeadline = DEFAULT_CLIENT_DEADLINE;

  private Config config;
  private SquadronServer server;
  private int lastPort;
  private final List<SquadronServer> extraInstances = new ArrayList<>();
  private final Map<String, ChannelFactory> channelsByCaller = new LinkedHashMap<>();
  private final Map<String, ManagedChannel> appChannels = new LinkedHashMap<>();

  private ServiceExtension(DescriptorSource source) {
    this.source = source;
  }

  /**
   * The service whose descriptor on the test class path names it {@code name}.
   *
   * @throws IllegalArgumentException when no descriptor names it
   */
  public static ServiceExtension forService(String name) {
    requireNonNull(name, "name");
    DescriptorSource found = Platform.descriptorsOnClassPath().get(name);
    if (found == null) {
      throw new IllegalArgumentException("no squadron-service.conf on the test class path names '" + name
          + "' (found: " + Platform.descriptorsOnClassPath().keySet() + "); add the service module as a test "
          + "dependency");
    }
    return new ServiceExtension(found);
  }

  /** The services this one calls, started by their own extensions (registered before this one). */
  public ServiceExtension calls(ServiceExtension... services) {
    for (ServiceExtension s : services) {
      callees.add(requireNonNull(s, "service"));
    }
    return this;
  }

  /** HOCON over the generated config (later calls win); e.g. {@code "squadron.userdb.store = cassandra"}. */
  public ServiceExtension config(String hocon) {
    extraConfig.add(requireNonNull(hocon, "hocon"));
    return this;
  }

  /** The service's PostgreSQL database is {@code pg}'s (a fault test's private server), not one of its own. */
  public ServiceExtension postgres(PostgresExtension pg) {
    this.postgres = requireNonNull(pg, "pg");
    return this;
  }

  /** The service's keyspace is {@code cs}'s, not one of its own. */
  public ServiceExtension cassandra(CassandraExtension cs) {
    this.cassandra = requireNonNull(cs, "cs");
    return this;
  }

  /** The service's memcached prefix is {@code mc}'s, not one of its own. */
  public ServiceExtension memcached(MemcachedExtension mc) {
    this.memcached = requireNonNull(mc, "mc");
    return this;
  }

  /** Configures a client app {@code app:<name>} with a fresh token, for {@link #appStub}. */
  public ServiceExtension appToken(String appName) {
    appTokens.put(requireNonNull(appName, "appName"), Platform.newAppToken());
    return this;
  }

  /** The deadline of the test's calls (default 20 s: a busy 2-core CI machine must not turn slowness into failures). */
  public ServiceExtension clientDeadline(Duration deadline) {
    this.clientDeadline = requireNonNull(deadline, "deadline");
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Platform.routeJavaLoggingToSlf4j();
    ServiceDescriptor d = source.descriptor();
    if (d.needs(ServiceDescriptor.Stores.POSTGRES) && postgres == null) {
      postgres = own(PostgresExtension.perClass(), context);
    }
    if (d.needs(ServiceDescriptor.Stores.CASSANDRA) && cassandra == null) {
      cassandra = own(CassandraExtension.perClass(), context);
    }
    if (d.needs(ServiceDescriptor.Stores.MEMCACHED) && memcached == null) {
      memcached = own(MemcachedExtension.perClass(), context);
    }
    config = ServiceConfig.withOverrides(source, ConfigFactory.parseString(generatedConfig()));
    start();
  }

  private <E extends BeforeAllCallback & AfterAllCallback> E own(E store, ExtensionContext context) throws Exception {
    store.beforeAll(context);
    ownStores.add(store);
    return store;
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      closeChannels();
      stop();
      extraInstances.forEach(SquadronServer::shutdownGracefully);
      extraInstances.clear();
    } finally {
      for (int i = ownStores.size() - 1; i >= 0; i--) {
        ((AfterAllCallback) ownStores.get(i)).afterAll(context);
      }
      ownStores.clear();
    }
  }

  private String generatedConfig() {
    ServiceDescriptor d = source.descriptor();
    Path certs = TestCertificates.shared().dirFor(d.name());
    StringBuilder hocon = new StringBuilder()
        .append("squadron.security { mode = mtls, cert-dir = ").append(quote(certs.toString())).append(" }\n")
        .append("squadron.server { host = \"127.0.0.1\", port = 0, shutdown.grace-period = 2s }\n")
        .append("squadron.admin { host = \"127.0.0.1\", port = 0 }\n");
    if (postgres != null) {
      hocon.append("squadron.stores.postgres.url = ").append(quote(postgres.jdbcUrl())).append('\n');
    }
    if (cassandra != null) {
      hocon.append("squadron.stores.cassandra { endpoint = ").append(quote(cassandra.endpoint().toString()))
          .append(", keyspace = ").append(quote(cassandra.keyspace())).append(" }\n");
    }
    if (memcached != null) {
      hocon.append("squadron.stores.memcached { addresses = ").append(quote(memcached.hostAndPort()))
          .append(", key-prefix = ").append(quote(memcached.prefix())).append(" }\n");
    }
    for (ServiceExtension callee : callees) {
      hocon.append("squadron.clients.").append(callee.name()).append(".addresses = [")
          .append(quote("127.0.0.1:" + callee.port())).append("]\n");
    }
    for (ServiceDescriptor.Secret secret : d.secrets()) {
      byte[] value = new byte[secret.randomBytes()];
      random.nextBytes(value);
      hocon.append(secret.configKey()).append(" = ").append(quote(Base64.getEncoder().encodeToString(value)))
          .append('\n');
    }
    appTokens.forEach((app, token) -> hocon.append("squadron.security.apps.").append(quote(app))
        .append(".token-sha256 = ").append(quote(Platform.appTokenSha256(token))).append('\n'));
    extraConfig.forEach(extra -> hocon.append(extra).append('\n'));
    return hocon.toString();
  }

  /** The service's name. */
  public String name() {
    return source.descriptor().name();
  }

  /** The service's descriptor. */
  public ServiceDescriptor descriptor() {
    return source.descriptor();
  }

  /** The config the service was started with (stores, certificates, the test's own keys). */
  public synchronized Config config() {
    if (config == null) {
      throw new IllegalStateException(name() + " is not set up yet");
    }
    return config;
  }

  /**
   * Starts the service (again, after {@link #stop()}) on the same stores and, after a stop, the same port, so
   * channels opened before reconnect to it; waits until it reports ready.
   */
  public synchronized void start() {
    if (server == null) {
      Config instance = lastPort == 0 ? config()
          : ConfigFactory.parseString("squadron.server.port = " + lastPort).withFallback(config());
      server = startReady(instance);
      lastPort = server.port();
    }
  }

  /**
   * Starts one more instance of the service with {@code hocon} over the class's config (same stores), for tests of
   * several instances; it is stopped after the class.
   */
  public synchronized SquadronServer startInstance(String hocon) {
    return startInstance(ConfigFactory.parseString(hocon).withFallback(config()));
  }

  /**
   * Starts one more instance with a config of the test's own making (e.g. {@code config().withoutPath(...)} to drop
   * a key); it is stopped after the class unless the test closes it first.
   */
  public synchronized SquadronServer startInstance(Config instanceConfig) {
    SquadronServer another = startReady(instanceConfig);
    extraInstances.add(another);
    return another;
  }

  private SquadronServer startReady(Config instanceConfig) {
    SquadronServer started = invokeStart(instanceConfig.resolve());
    try {
      started.refreshReadiness();
      Await.until(READY_TIMEOUT, name() + " ready (failing checks: " + started.failingChecks() + ")", () -> {
        started.refreshReadiness();
        return started.isReady();
      });
    } catch (AssertionError e) {
      started.shutdownGracefully();
      throw e;
    }
    return started;
  }

  private SquadronServer invokeStart(Config instanceConfig) {
    try {
      Class<?> main = Class.forName(source.descriptor().mainClass());
      Method start = main.getMethod("start", Config.class);
      return (SquadronServer) requireNonNull(start.invoke(null, instanceConfig), "start returned null");
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(name() + " failed to start", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(source.descriptor().mainClass() + " has no public static start(Config)", e);
    }
  }

  /** Stops the service gracefully (to test its callers); its channels stay and reconnect after {@link #start()}. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdownGracefully();
      server = null;
    }
  }

  /** Closes every channel the test opened. Called after the class. */
  private synchronized void closeChannels() {
    channelsByCaller.values().forEach(ChannelFactory::close);
    channelsByCaller.clear();
    appChannels.values().forEach(ManagedChannel::shutdownNow);
    appChannels.clear();
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
   * A channel to the service as {@code caller} (a service name), over mutual TLS with a certificate of the test CA,
   * through rpc-core's client (ELS, deadlines, client metrics). The same channel is reused across a restart.
   */
  public synchronized Channel channel(String caller) {
    return channelsByCaller.computeIfAbsent(caller, c -> channelsAs(c, port())).channel(name());
  }

  /** A stub as {@code caller}, e.g. {@code stub("checkout", UserServiceGrpc::newBlockingStub)}. */
  public <S> S stub(String caller, Function<Channel, S> newStub) {
    return newStub.apply(channel(caller));
  }

  /** A stub as {@code caller} to another instance ({@link #startInstance}); its channel closes after the class. */
  public synchronized <S> S stub(String caller, SquadronServer instance, Function<Channel, S> newStub) {
    String key = caller + "@" + instance.port();
    return newStub.apply(channelsByCaller.computeIfAbsent(key, k -> channelsAs(caller, instance.port()))
        .channel(name()));
  }

  /**
   * A stub as the client app {@code app:<appName>} (configured with {@link #appToken}): TLS without a client
   * certificate and {@code authorization: Bearer <token>}, as an app would call.
   */
  public synchronized <S extends io.grpc.stub.AbstractStub<S>> S appStub(String appName, Function<Channel, S> newStub) {
    String token = appTokens.get(appName);
    if (token == null) {
      throw new IllegalStateException("no app '" + appName + "': configure it with appToken(\"" + appName + "\")");
    }
    ManagedChannel channel = appChannels.computeIfAbsent(appName, a -> NettyChannelBuilder
        .forAddress("127.0.0.1", port(), Platform.appTls(TestCertificates.shared().dirFor(name())
            .resolve("ca.crt"), name()))
        .build());
    return newStub.apply(channel).withCallCredentials(Platform.appToken(token))
        .withDeadlineAfter(clientDeadline.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The token of {@code app:<appName>} (to test a wrong or missing one next to it). */
  public String appTokenOf(String appName) {
    return requireNonNull(appTokens.get(appName), "no app " + appName);
  }

  private ChannelFactory channelsAs(String caller, int port) {
    Path certs = TestCertificates.shared().dirFor(caller, name());
    Config client = ConfigLoader.withOverrides(ConfigFactory.parseString(
        "squadron.security { service-name = " + quote(caller) + ", cert-dir = " + quote(certs.toString()) + " }\n"
            + "squadron.clients." + name() + " { addresses = [" + quote("127.0.0.1:" + port) + "], deadline = "
            + clientDeadline.toMillis() + "ms }\n"));
    return Platform.clients(client, Platform.newMeterRegistry()).build();
  }

  /** The service's PostgreSQL database (to assert on what was stored). */
  public PostgresExtension postgres() {
    return requireStore(postgres, "postgres");
  }

  /** The service's Cassandra keyspace. */
  public CassandraExtension cassandra() {
    return requireStore(cassandra, "cassandra");
  }

  /** The service's memcached prefix. */
  public MemcachedExtension memcached() {
    return requireStore(memcached, "memcached");
  }

  private <T> T requireStore(T store, String kind) {
    if (store == null) {
      throw new IllegalStateException(name() + " has no " + kind + " store (its descriptor does not list one)");
    }
    return store;
  }

  private static String quote(String value) {
    return ConfigUtil.quoteString(value);
  }
}
