package io.squadron.rpc.platform;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.descriptor.DescriptorSource;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import io.squadron.rpc.descriptor.ServiceDescriptors;
import io.squadron.rpc.internal.faults.FaultInjectionInterceptor;
import io.squadron.rpc.internal.faults.FaultInjectionSettings;
import io.squadron.rpc.internal.logging.DeframeFailureFilter;
import io.squadron.rpc.internal.security.AppTokens;
import io.squadron.rpc.internal.security.TlsCredentials;
import io.squadron.rpc.security.SpiffeId;
import io.squadron.rpc.server.InterceptorStage;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The service contract. Every service's main class looks like this, and writes none of the
 * platform:
 *
 * <pre>{@code
 * public final class BillingMain {
 *   public static void main(String[] args) {
 *     Platform.run(BillingMain.class, args, BillingMain::start);
 *   }
 *
 *   public static SquadronServer start(Config config) {
 *     return Platform.start(config, service -> {
 *       PostgresStore db = service.register(PostgresStore.open(...));           // closed after the server stops
 *       PadlockClient padlock = PadlockClient.builder(service.channel("padlock")).build();
 *       return service.server()
 *           .service(new BillingGrpcService(db, padlock))
 *           .readinessCheck("postgres", db::isReachable);
 *     });
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #run} loads the config ({@link ServiceConfig}: the environment, {@code --config FILE},
 * the service's own {@code application.conf} and descriptor, the libraries' defaults), routes
 * {@code java.util.logging} (grpc-java's) to SLF4J, starts the service, and on SIGTERM shuts it
 * down gracefully. {@link #start} gives the assembly a {@link ServiceContext}; tests and tools call
 * {@code start(Config)} with a config of their own.
 */
public final class Platform {
  private static final Logger log = LoggerFactory.getLogger(Platform.class);
  private static java.util.logging.Logger refusedMessages;

  /**
   * The exit status of a service that cannot start because of its configuration (sysexits'
   * EX_CONFIG).
   */
  public static final int EXIT_CONFIG = 78;

  private Platform() {}

  /**
   * A service's {@code main}: loads its config, starts it with {@code start}, and blocks until it
   * has stopped. A bad config stops the process with {@value #EXIT_CONFIG} and one line naming the
   * key.
   */
  public static void run(
      Class<?> mainClass, String[] args, Function<Config, SquadronServer> start) {
    requireNonNull(mainClass, "mainClass");
    requireNonNull(args, "args");
    requireNonNull(start, "start");
    routeJavaLoggingToSlf4j();
    SquadronServer server;
    try {
      DescriptorSource service = ServiceDescriptors.of(mainClass);
      server =
          start.apply(ServiceConfig.load(service, ConfigLoader.configFile(args), System.getenv()));
    } catch (InvalidConfigException e) {
      log.error("cannot start: {}", e.getMessage());
      System.exit(EXIT_CONFIG);
      return;
    }
    server.registerShutdownHook();
    try {
      server.awaitTermination();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownGracefully();
    }
  }

  /**
   * Assembles and starts a service from its config: {@code assembly} opens what the service needs
   * through the context and returns the server builder; the server is built and started, and owns
   * what was registered. If any step fails, what was registered so far is closed, newest first, and
   * the failure is rethrown.
   *
   * @throws InvalidConfigException when the config holds no service descriptor ({@code
   *     squadron.service})
   */
  public static SquadronServer start(Config config, ServiceAssembly assembly) {
    requireNonNull(config, "config");
    requireNonNull(assembly, "assembly");
    if (!config.hasPath("squadron.service")) {
      throw new InvalidConfigException(
          "squadron.service",
          "missing (expected: the service's descriptor; load the "
              + "config with ServiceConfig, which reads squadron-service.conf)");
    }
    ServiceDescriptor descriptor = ServiceDescriptor.fromConfig(config.getConfig("squadron"));
    ServiceContext service = new ServiceContext(config, descriptor, newMeterRegistry());
    SquadronServer.Builder builder;
    try {
      builder = requireNonNull(assembly.assemble(service), "assembly returned no server builder");
      if (builder != service.server()) {
        throw new IllegalStateException(
            "assembly must return service.server(), not a builder of its own");
      }
      service.transferTo(builder);
    } catch (RuntimeException | Error e) {
      service.closeAll(e);
      throw e;
    } catch (Exception e) {
      service.closeAll(e);
      throw new IllegalStateException(descriptor.name() + " failed to start: " + e.getMessage(), e);
    }
    return builder.build().start();
  }

  /** A fresh Prometheus registry for one service process. */
  public static PrometheusMeterRegistry newMeterRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /**
   * A server builder with every platform stage configured from {@code config}: listener settings
   * ({@code squadron.server}, {@code squadron.admin}), mutual TLS and caller identity ({@code
   * squadron.security}), permissions ({@code squadron.permissions}), rate limits ({@code
   * squadron.rate-limits}) and, on a local platform only, faults injected on purpose ({@code
   * squadron.fault-injection}). Services get it from {@link ServiceContext#server()}; a benchmark
   * or test hosting a bare gRPC service may call it directly.
   */
  public static SquadronServer.Builder server(Config config, PrometheusMeterRegistry registry) {
    requireNonNull(config, "config");
    requireNonNull(registry, "registry");
    SquadronServer.Builder builder =
        SquadronServer.builder(ServerSettings.from(config)).meterRegistry(registry);
    ServerSecurity.configure(builder, config, registry);
    FaultInjectionSettings.from(config)
        .ifPresent(
            faults -> {
              // Loud: a release made bad on purpose must never pass for a real one in a log.
              log.warn("FAULT INJECTION ENABLED (squadron.fault-injection): {}", faults.describe());
              FaultInjectionInterceptor injector =
                  new FaultInjectionInterceptor(
                      faults,
                      registry,
                      () -> ThreadLocalRandom.current().nextDouble(),
                      System::nanoTime);
              builder.interceptor(InterceptorStage.APPLICATION, injector).closeOnShutdown(injector);
            });
    return builder;
  }

  /**
   * A channel factory builder for the services in {@code squadron.clients}, as {@code
   * squadron.security.service-name} over mutual TLS (or as configured). Services get theirs from
   * {@link ServiceContext#clients()}; tools, demo programs and tests call this.
   */
  public static ChannelFactory.Builder clients(Config config, PrometheusMeterRegistry registry) {
    requireNonNull(config, "config");
    requireNonNull(registry, "registry");
    return ClientSecurity.configure(ChannelFactory.builder(ClientsSettings.from(config)), config)
        .meterRegistry(registry);
  }

  /**
   * Per-call credentials of a client app: {@code authorization: Bearer <token>} on every call; the
   * server maps the token to {@code app:<name>}. Sent over TLS only: on an insecure channel the
   * call fails with UNAUTHENTICATED.
   */
  public static CallCredentials appToken(String token) {
    return ClientSecurity.appToken(token);
  }

  /** A fresh random app token (give it to the app; configure only its {@link #appTokenSha256}). */
  public static String newAppToken() {
    return AppTokens.generate();
  }

  /** What {@code squadron.security.apps.<name>.token-sha256} holds for {@code token}. */
  public static String appTokenSha256(String token) {
    return AppTokens.sha256Hex(token);
  }

  /**
   * Transport credentials of a client app calling {@code service}: TLS without a client certificate
   * (an app authenticates with {@link #appToken}), accepting only a server certified by the CA in
   * {@code caFile} as {@code service}.
   */
  public static ChannelCredentials appTls(Path caFile, String service) {
    return TlsCredentials.forApp(caFile, SpiffeId.DEFAULT_TRUST_DOMAIN, service);
  }

  /**
   * Sends {@code java.util.logging} records (grpc-java and Netty log through it) to SLF4J, so they
   * reach the service's log configuration, levels and format. JVM-wide: only {@code main} (through
   * {@link #run}) and test kits call it.
   */
  public static synchronized void routeJavaLoggingToSlf4j() {
    if (!SLF4JBridgeHandler.isInstalled()) {
      SLF4JBridgeHandler.removeHandlersForRootLogger();
      SLF4JBridgeHandler.install();
    }
    if (refusedMessages == null) {
      // JUL holds loggers weakly: keep this one, or its filter goes with it.
      refusedMessages = java.util.logging.Logger.getLogger(DeframeFailureFilter.GRPC_LOGGER);
      refusedMessages.setFilter(new DeframeFailureFilter(System::nanoTime, 1_000_000_000L));
    }
  }

  /**
   * The descriptors on this class path, by service name (tests and tools hosting several services).
   */
  public static Map<String, DescriptorSource> descriptorsOnClassPath() {
    return ServiceDescriptors.onClassPath(Platform.class.getClassLoader());
  }
}
