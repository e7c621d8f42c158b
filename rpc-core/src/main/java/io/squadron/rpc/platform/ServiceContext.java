package io.squadron.rpc.platform;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.grpc.ManagedChannel;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import io.squadron.rpc.http.HttpSettings;
import io.squadron.rpc.http.StaticFiles;
import io.squadron.rpc.server.SquadronServer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a service gets while it starts ({@link Platform#start}): its config and descriptor,
 * one metrics registry for server, clients and its own meters, channels to the services its
 * descriptor says it calls, the server builder with every platform stage configured, and a register
 * of what it opens.
 *
 * <p>Whatever is {@link #register registered} is closed exactly once, newest first: after the
 * server has stopped and its grace period is over, or at once if the service fails to start. A
 * service never writes its own close loop.
 */
public final class ServiceContext {
  private static final Logger log = LoggerFactory.getLogger(ServiceContext.class);

  private final Config config;
  private final ServiceDescriptor descriptor;
  private final PrometheusMeterRegistry registry;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private ChannelFactory clients;
  private SquadronServer.Builder server;

  ServiceContext(Config config, ServiceDescriptor descriptor, PrometheusMeterRegistry registry) {
    this.config = requireNonNull(config, "config");
    this.descriptor = requireNonNull(descriptor, "descriptor");
    this.registry = requireNonNull(registry, "registry");
  }

  /** The service's name (its identity). */
  public String name() {
    return descriptor.name();
  }

  /** What the service declared about itself. */
  public ServiceDescriptor descriptor() {
    return descriptor;
  }

  /** The resolved config (read typed settings from it; never read the environment). */
  public Config config() {
    return config;
  }

  /**
   * The registry scraped at {@code /metrics}: the server's, the clients' and the service's own
   * meters.
   */
  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * Closes {@code resource} when the service stops (newest first, after the grace period) or when
   * starting fails.
   *
   * @return {@code resource}, for chaining at the place it is opened
   */
  public synchronized <T extends AutoCloseable> T register(T resource) {
    resources.add(requireNonNull(resource, "resource"));
    return resource;
  }

  /**
   * Channels to other services ({@code squadron.clients}), built on first use, as this service,
   * over mutual TLS.
   */
  public synchronized ChannelFactory clients() {
    if (clients == null) {
      clients = register(Platform.clients(config, registry).build());
    }
    return clients;
  }

  /**
   * The channel to {@code service}, which the descriptor must list under {@code calls} (so the
   * start order, the network policy and the dashboards know about the call).
   *
   * @throws InvalidConfigException when the descriptor does not list it
   */
  public ManagedChannel channel(String service) {
    if (!descriptor.calls().contains(service)) {
      throw new InvalidConfigException(
          "squadron.service.calls",
          "does not list '"
              + service
              + "' (expected: "
              + "every service "
              + descriptor.name()
              + " calls, in its descriptor)");
    }
    return clients().channel(service);
  }

  /**
   * The server builder with settings, mutual TLS, identity, permissions, rate limits and metrics
   * configured; and, when the descriptor says {@code http-json}, the HTTP/JSON listener ({@code
   * squadron.http}) with its static files.
   */
  public synchronized SquadronServer.Builder server() {
    if (server == null) {
      server = Platform.server(config, registry);
      descriptor
          .httpJson()
          .ifPresent(
              http -> {
                server.http(HttpSettings.from(config));
                http.staticResources()
                    .ifPresent(
                        dir -> server.staticFiles(StaticFiles.fromModuleOf(mainClass(), dir)));
              });
    }
    return server;
  }

  private Class<?> mainClass() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      return Class.forName(
          descriptor.mainClass(), false, loader != null ? loader : getClass().getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new InvalidConfigException(
          "squadron.service.main-class",
          descriptor.mainClass()
              + " is not on the "
              + "class path (its module's resources hold the static files)");
    }
  }

  /**
   * Hands the registered resources to the server, which closes them after it stops, newest first.
   */
  synchronized void transferTo(SquadronServer.Builder builder) {
    resources.forEach(builder::closeOnShutdown);
    resources.clear();
  }

  /** Closes what was registered, newest first (starting failed). */
  synchronized void closeAll(Throwable cause) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        cause.addSuppressed(e);
        log.warn(
            "closing {} after a failed start failed: {}",
            resources.get(i).getClass().getSimpleName(),
            e.toString());
      }
    }
    resources.clear();
  }
}
