package io.squadron.rpc.server;

import static java.util.Objects.requireNonNull;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.rpc.admin.AdminAction;
import io.squadron.rpc.errors.ExceptionMapper;
import io.squadron.rpc.health.ReadinessCheck;
import io.squadron.rpc.http.HttpSettings;
import io.squadron.rpc.http.StaticFiles;
import io.squadron.rpc.internal.admin.AdminHttpServer;
import io.squadron.rpc.internal.errors.ErrorMapping;
import io.squadron.rpc.internal.errors.ExceptionMappingInterceptor;
import io.squadron.rpc.internal.errors.RequestValidation;
import io.squadron.rpc.internal.health.Readiness;
import io.squadron.rpc.internal.http.HttpJsonServer;
import io.squadron.rpc.internal.metrics.ServerMetricsInterceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running service: gRPC on Netty with the Squadron chain in front of every application service,
 * plus {@code grpc.health.v1} (driven by readiness), server reflection and the admin HTTP endpoint.
 *
 * <pre>{@code
 * SquadronServer server = SquadronServer.builder(ServerSettings.from(config))
 *     .service(new ShuffleGrpcService(shuffler))
 *     .build()
 *     .start();
 * server.registerShutdownHook();   // SIGTERM: NOT_SERVING, stop accepting, finish in-flight calls
 * server.awaitTermination();
 * }</pre>
 *
 * <p>Handlers run on a bounded pool ({@code squadron.server.executor-threads}); connections are
 * bounded in concurrent calls, keepalive and age ({@link ServerLimits}). Health and reflection pass
 * the identity and rate-limit stages (not the permission stage): any identified caller, service or
 * app, may use them; an unidentified connection gets no health {@code Watch} or reflection stream.
 * Orchestrators probe the admin endpoint's {@code /healthz} and {@code /readyz} instead.
 *
 * <p>A server is never built without an identity stage, and never plaintext on a non-loopback
 * address.
 *
 * <p>With {@link Builder#http}, the server also listens for HTTP/JSON on a port of its own: the
 * {@code google.api.http} bindings of its methods (see {@code google/api/http.proto}), called
 * through the same chain as gRPC calls (so a client app's request meets the same size limit), on
 * the same bounded handler pool, and optionally {@link Builder#staticFiles static files} such as a
 * web client. Its TLS is the gRPC port's; plaintext HTTP/JSON, like plaintext gRPC, only on a
 * loopback address.
 */
public final class SquadronServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SquadronServer.class);

  private final ServerSettings settings;
  private final Server server;
  private final ForkJoinPool executor;
  private final PrometheusMeterRegistry registry;
  private final Readiness readiness;
  private final ScheduledExecutorService readinessThread;
  private final Map<String, AdminAction> adminActions;
  private final List<AutoCloseable> closeOnShutdown;
  private final HttpJsonServer http;
  private final Optional<HttpJsonServer.Tls> httpTls;
  private volatile AdminHttpServer admin;
  private volatile boolean stopping;

  private SquadronServer(
      ServerSettings settings,
      Server server,
      ForkJoinPool executor,
      PrometheusMeterRegistry registry,
      Readiness readiness,
      Map<String, AdminAction> adminActions,
      List<AutoCloseable> closeOnShutdown,
      HttpJsonServer http,
      Optional<HttpJsonServer.Tls> httpTls) {
    this.settings = settings;
    this.executor = executor;
    this.http = http;
    this.httpTls = httpTls;
    this.adminActions = Map.copyOf(adminActions);
    this.closeOnShutdown = List.copyOf(closeOnShutdown);
    this.server = server;
    this.registry = registry;
    this.readiness = readiness;
    this.readinessThread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "squadron-readiness");
              t.setDaemon(true);
              return t;
            });
  }

  /** A builder for a server with {@code settings}. */
  public static Builder builder(ServerSettings settings) {
    return new Builder(settings);
  }

  /**
   * Binds the gRPC port and the admin endpoint and starts checking readiness.
   *
   * @throws UncheckedIOException when a port cannot be bound
   */
  public SquadronServer start() {
    try {
      server.start();
      if (http != null) {
        try {
          http.start(httpTls);
        } catch (RuntimeException e) {
          close();
          throw e;
        }
      }
      readiness.refresh();
      readinessThread.scheduleWithFixedDelay(
          readiness::refresh,
          settings.readinessInterval().toMillis(),
          settings.readinessInterval().toMillis(),
          TimeUnit.MILLISECONDS);
      if (settings.admin().enabled()) {
        admin = AdminHttpServer.start(settings.admin(), registry, readiness, adminActions);
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("cannot bind " + settings.host() + ":" + settings.port(), e);
    }
    log.info(
        "serving gRPC on {}:{}{}{}",
        settings.host(),
        port(),
        http == null ? "" : ", HTTP/JSON on " + http.port(),
        admin == null ? "" : ", admin on http://" + settings.admin().host() + ":" + admin.port(),
        admin == null || admin.actionsPort() < 0
            ? ""
            : ", admin actions on http://"
                + settings.admin().actionsHost()
                + ":"
                + admin.actionsPort());
    return this;
  }

  /** The bound gRPC port. */
  public int port() {
    return server.getPort();
  }

  /** The bound HTTP/JSON port, or -1 when the server serves no HTTP/JSON. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /**
   * The bound admin HTTP port ({@code /metrics}, {@code /healthz}, {@code /readyz}), or -1 when it
   * is off.
   */
  public int adminPort() {
    AdminHttpServer a = admin;
    return a == null ? -1 : a.port();
  }

  /** The bound loopback port of {@code POST /admin/<action>}, or -1 when it is off. */
  public int adminActionsPort() {
    AdminHttpServer a = admin;
    return a == null ? -1 : a.actionsPort();
  }

  /** The registry holding this server's metrics (services add their own meters here). */
  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * Whether every readiness check passed when last evaluated (and the server is not shutting down).
   */
  public boolean isReady() {
    return readiness.isReady();
  }

  /** The names of the readiness checks that failed when last evaluated. */
  public List<String> failingChecks() {
    return readiness.failing();
  }

  /** Re-runs the readiness checks now (normally they run every {@code readiness-interval}). */
  public void refreshReadiness() {
    readiness.refresh();
  }

  /** Shuts down gracefully when the JVM receives SIGTERM (or exits). */
  public SquadronServer registerShutdownHook() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::shutdownGracefully, "squadron-shutdown"));
    return this;
  }

  /**
   * Reports NOT_SERVING and keeps serving new connections and calls for the drain delay (balancers
   * and clients see NOT_SERVING and stop sending), then stops accepting, lets in-flight calls
   * finish within the grace period, cancels what is left, and waits for every handler to return
   * before it closes the registered resources, so no handler writes to a store after the store was
   * closed. Safe to call more than once.
   */
  public void shutdownGracefully() {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    log.info(
        "shutting down: NOT_SERVING, draining for {}, grace period {}",
        settings.drainDelay(),
        settings.gracePeriod());
    readiness.shutDown();
    readinessThread.shutdownNow();
    try {
      if (!settings.drainDelay().isZero()) {
        Thread.sleep(settings.drainDelay().toMillis());
      }
      long graceEnds = System.nanoTime() + settings.gracePeriod().toNanos();
      server.shutdown();
      if (http != null) {
        http.stopAccepting();
      }
      if (!server.awaitTermination(settings.gracePeriod().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("grace period over; cancelling the calls still running");
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
      if (http != null
          && !http.awaitIdle(Duration.ofNanos(Math.max(0, graceEnds - System.nanoTime())))) {
        log.warn("grace period over; closing the HTTP/JSON connections still busy");
      }
      if (http != null) {
        http.close(); // no HTTP/JSON request may reach the handler pool once it stops taking work
      }
      awaitHandlers();
    } catch (InterruptedException e) {
      server.shutdownNow();
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      if (http != null) {
        http.close();
      }
      AdminHttpServer a = admin;
      if (a != null) {
        a.close();
      }
      // Newest first: a resource may use the ones opened before it (a client over a channel over a
      // pool).
      for (int i = closeOnShutdown.size() - 1; i >= 0; i--) {
        AutoCloseable resource = closeOnShutdown.get(i);
        try {
          resource.close();
        } catch (Exception e) {
          log.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
        }
      }
      log.info("stopped");
    }
  }

  /**
   * Waits for the handlers still running (a call closed or cancelled does not stop its handler's
   * thread): first for the grace period, then interrupted, 5 s more. Only then may the stores they
   * use close.
   */
  private void awaitHandlers() throws InterruptedException {
    executor.shutdown();
    if (executor.awaitTermination(settings.gracePeriod().toMillis(), TimeUnit.MILLISECONDS)) {
      return;
    }
    log.warn(
        "{} handler(s) still running after the grace period; interrupting them",
        executor.getActiveThreadCount());
    executor.shutdownNow();
    if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
      log.error(
          "{} handler(s) ignore interruption; closing the stores under them",
          executor.getActiveThreadCount());
    }
  }

  /** Blocks until the server has terminated. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Same as {@link #shutdownGracefully()}. */
  @Override
  public void close() {
    shutdownGracefully();
  }

  /** Assembles a {@link SquadronServer}. */
  public static final class Builder {
    private final ServerSettings settings;
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private final Map<InterceptorStage, List<ServerInterceptor>> stages =
        new EnumMap<>(InterceptorStage.class);
    private final Map<String, ReadinessCheck> readinessChecks = new LinkedHashMap<>();
    private final List<ExceptionMapper> exceptionMappers = new ArrayList<>();
    private final Map<String, AdminAction> adminActions = new LinkedHashMap<>();
    private final List<AutoCloseable> closeOnShutdown = new ArrayList<>();
    private ServerCredentials credentials = InsecureServerCredentials.create();
    private PrometheusMeterRegistry registry;
    private HttpSettings http;
    private StaticFiles staticFiles;
    private HttpJsonServer.Tls httpTls;

    private Builder(ServerSettings settings) {
      this.settings = requireNonNull(settings, "settings");
    }

    /** Adds an application service; the whole chain runs in front of it. */
    public Builder service(BindableService service) {
      return service(requireNonNull(service, "service").bindService());
    }

    /** Adds an application service definition; the whole chain runs in front of it. */
    public Builder service(ServerServiceDefinition service) {
      services.add(requireNonNull(service, "service"));
      return this;
    }

    /**
     * Adds an interceptor at {@code stage}. Within a stage, interceptors run in the order added.
     * METRICS and ERROR_MAPPING are built in and take none.
     */
    public Builder interceptor(InterceptorStage stage, ServerInterceptor interceptor) {
      requireNonNull(stage, "stage");
      requireNonNull(interceptor, "interceptor");
      if (stage == InterceptorStage.METRICS || stage == InterceptorStage.ERROR_MAPPING) {
        throw new IllegalArgumentException(
            "stage: "
                + stage
                + " is built in (expected: IDENTITY, PERMISSION, "
                + "RATE_LIMIT or APPLICATION)");
      }
      stages.computeIfAbsent(stage, s -> new ArrayList<>()).add(interceptor);
      return this;
    }

    /** Adds a readiness check; the server reports NOT_SERVING while any check fails. */
    public Builder readinessCheck(String name, ReadinessCheck check) {
      requireNonNull(name, "name");
      requireNonNull(check, "check");
      if (readinessChecks.putIfAbsent(name, check) != null) {
        throw new IllegalArgumentException("readinessCheck: " + name + " added twice");
      }
      return this;
    }

    /**
     * Adds a mapper from a service's own exceptions to statuses, asked before the built-in rules.
     */
    public Builder exceptionMapper(ExceptionMapper mapper) {
      exceptionMappers.add(requireNonNull(mapper, "mapper"));
      return this;
    }

    /** Adds {@code POST /admin/<name>} to the admin endpoint (e.g. {@code reload-permissions}). */
    public Builder adminAction(String name, AdminAction action) {
      requireNonNull(name, "name");
      requireNonNull(action, "action");
      if (!name.matches("[a-z0-9-]+")) {
        throw new IllegalArgumentException(
            "adminAction: " + name + " (expected: lower-case words joined by '-')");
      }
      if (adminActions.putIfAbsent(name, action) != null) {
        throw new IllegalArgumentException("adminAction: " + name + " added twice");
      }
      return this;
    }

    /**
     * Closes {@code resource} (a watcher thread, a pool) after the server has stopped and its grace
     * period is over; resources close newest first.
     */
    public Builder closeOnShutdown(AutoCloseable resource) {
      closeOnShutdown.add(requireNonNull(resource, "resource"));
      return this;
    }

    /** The transport security (TLS, mutual TLS); plaintext when not set. */
    public Builder credentials(ServerCredentials credentials) {
      this.credentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * Serves the {@code google.api.http} bindings of the services' unary methods as HTTP/JSON on a
     * listener of its own, through the same chain as gRPC calls. Bindings are read and checked when
     * the server is built.
     */
    public Builder http(HttpSettings settings) {
      this.http = requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Serves {@code files} under {@code /} of the HTTP/JSON listener (GET and HEAD no binding
     * takes).
     */
    public Builder staticFiles(StaticFiles files) {
      this.staticFiles = requireNonNull(files, "files");
      return this;
    }

    /**
     * The HTTP/JSON listener serves TLS with {@code keyManager}'s certificate and accepts client
     * certificates {@code clientTrust} trusts (a caller's identity, as on the gRPC port; pass the
     * gRPC port's managers so a rotation serves both). Required when the gRPC port has TLS, and
     * when HTTP/JSON listens beyond loopback.
     */
    public Builder httpTls(
        X509ExtendedKeyManager keyManager, X509ExtendedTrustManager clientTrust) {
      this.httpTls = new HttpJsonServer.Tls(keyManager, clientTrust);
      return this;
    }

    /**
     * Records into {@code registry} instead of a fresh one (a process hosting several servers
     * shares one).
     */
    public Builder meterRegistry(PrometheusMeterRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Builds the server; call {@link SquadronServer#start()} to bind it.
     *
     * @throws IllegalStateException without a service or an identity stage, or when plaintext would
     *     listen on a non-loopback address
     */
    public SquadronServer build() {
      if (services.isEmpty()) {
        throw new IllegalStateException("no service added");
      }
      List<ServerInterceptor> identity = stages.getOrDefault(InterceptorStage.IDENTITY, List.of());
      if (identity.isEmpty()) {
        throw new IllegalStateException(
            "no identity stage (expected: the server from Platform.server or "
                + "ServerSecurity.configure, which add mutual TLS and caller identity): every caller would be anonymous");
      }
      if (credentials instanceof InsecureServerCredentials
          && !AdminSettings.isLoopback(settings.host())) {
        throw new IllegalStateException(
            "plaintext gRPC on "
                + settings.host()
                + " (expected: a loopback host; "
                + "anything else needs TLS)");
      }
      PrometheusMeterRegistry meters =
          registry != null ? registry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      ServerLimits limits = settings.limits();
      RequestValidation validation = new RequestValidation(limits.appMaxInboundMessageSize());
      List<ServerInterceptor> chain = chain(meters, validation);
      // Health and reflection: any identified caller, within its rate limit; no permission entry
      // needed.
      List<ServerInterceptor> platformChain = new ArrayList<>(identity);
      platformChain.addAll(stages.getOrDefault(InterceptorStage.RATE_LIMIT, List.of()));
      HealthStatusManager health = new HealthStatusManager();
      Set<String> serviceNames = new LinkedHashSet<>();
      List<ServerServiceDefinition> intercepted = new ArrayList<>();
      ForkJoinPool executor = HandlerPool.create(limits.executorThreads());
      new ExecutorServiceMetrics(executor, "squadron-grpc", List.of()).bindTo(meters);
      NettyServerBuilder netty =
          NettyServerBuilder.forAddress(
                  new InetSocketAddress(settings.host(), settings.port()), credentials)
              .executor(executor)
              .maxInboundMessageSize(settings.maxInboundMessageSize())
              .maxConcurrentCallsPerConnection(limits.maxConcurrentCallsPerConnection())
              .keepAliveTime(limits.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
              .keepAliveTimeout(limits.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
              .permitKeepAliveTime(limits.permitKeepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
              .permitKeepAliveWithoutCalls(false)
              .maxConnectionAge(limits.maxConnectionAge().toNanos(), TimeUnit.NANOSECONDS)
              .maxConnectionAgeGrace(limits.maxConnectionAgeGrace().toNanos(), TimeUnit.NANOSECONDS)
              .addService(
                  ServerInterceptors.interceptForward(health.getHealthService(), platformChain))
              .addService(
                  ServerInterceptors.interceptForward(
                      ProtoReflectionServiceV1.newInstance(), platformChain))
              .addService(ServerInterceptors.interceptForward(legacyReflection(), platformChain));
      if (!limits.maxConnectionIdle().isZero()) {
        netty.maxConnectionIdle(limits.maxConnectionIdle().toNanos(), TimeUnit.NANOSECONDS);
      }
      for (ServerServiceDefinition service : services) {
        serviceNames.add(service.getServiceDescriptor().getName());
        ServerServiceDefinition withChain =
            ServerInterceptors.interceptForward(validation.wrap(service), chain);
        intercepted.add(withChain);
        netty.addService(withChain);
      }
      HttpJsonServer httpServer = null;
      if (http != null) {
        if (httpTls == null && !(credentials instanceof InsecureServerCredentials)) {
          throw new IllegalStateException(
              "http: the gRPC port has TLS, so HTTP/JSON must too (set httpTls)");
        }
        if (httpTls == null && !AdminSettings.isLoopback(http.host())) {
          throw new IllegalStateException(
              "plaintext HTTP/JSON on "
                  + http.host()
                  + " (expected: a loopback host; "
                  + "anything else needs TLS)");
        }
        // The gRPC port's handler pool: HTTP/JSON calls share its bound, and shutdown waits for
        // them too.
        httpServer =
            HttpJsonServer.create(
                http, intercepted, Optional.ofNullable(staticFiles), meters, executor, validation);
      } else if (staticFiles != null) {
        throw new IllegalStateException(
            "staticFiles: served on the HTTP/JSON listener (set http too)");
      }
      Readiness readiness = new Readiness(readinessChecks, health, serviceNames);
      return new SquadronServer(
          settings,
          netty.build(),
          executor,
          meters,
          readiness,
          adminActions,
          closeOnShutdown,
          httpServer,
          Optional.ofNullable(httpServer == null ? null : httpTls));
    }

    // grpcurl, Postman and older tools still speak v1alpha reflection; it is deprecated, not gone.
    @SuppressWarnings("deprecation")
    private static ServerServiceDefinition legacyReflection() {
      return io.grpc.protobuf.services.ProtoReflectionService.newInstance().bindService();
    }

    private List<ServerInterceptor> chain(
        PrometheusMeterRegistry meters, RequestValidation validation) {
      List<ServerInterceptor> chain = new ArrayList<>();
      for (InterceptorStage stage : InterceptorStage.values()) {
        switch (stage) {
          case METRICS ->
              chain.add(new ServerMetricsInterceptor(meters, settings.metrics(), System::nanoTime));
          case ERROR_MAPPING ->
              chain.add(
                  new ExceptionMappingInterceptor(new ErrorMapping(exceptionMappers), validation));
          default -> chain.addAll(stages.getOrDefault(stage, List.of()));
        }
      }
      return chain;
    }
  }
}
