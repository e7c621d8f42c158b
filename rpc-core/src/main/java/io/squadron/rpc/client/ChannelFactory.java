package io.squadron.rpc.client;

import static java.util.Objects.requireNonNull;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squadron.els.ElsLoadBalancerProvider;
import io.squadron.rpc.internal.metrics.ClientMetricsInterceptor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Creates channels to other services by name, as configured in {@link ClientsSettings}: target
 * resolution ({@code static:///...} or {@code dns:///...}), the load-balancing policy, a default
 * deadline on every call, retries only for methods that enable them, and client metrics. The
 * factory owns what it creates: {@link #close()} shuts every channel down.
 *
 * <pre>{@code
 * try (ChannelFactory channels = ChannelFactory.builder(ClientsSettings.from(config)).meterRegistry(registry).build()) {
 *   var shuffle = ShuffleServiceGrpc.newBlockingStub(channels.channel("shuffle"));
 * }
 * }</pre>
 */
public final class ChannelFactory implements AutoCloseable {
  private final ClientsSettings settings;
  private final MeterRegistry registry;
  private final Function<ClientSettings, ChannelCredentials> credentials;
  private final List<ClientInterceptor> interceptors;
  private final List<AutoCloseable> onClose;
  private final List<ManagedChannel> created = new CopyOnWriteArrayList<>();

  private ChannelFactory(Builder builder) {
    this.settings = builder.settings;
    this.registry = builder.registry;
    this.credentials = builder.credentials;
    this.interceptors = List.copyOf(builder.interceptors);
    this.onClose = List.copyOf(builder.onClose);
  }

  /** A builder over {@code settings}. */
  public static Builder builder(ClientsSettings settings) {
    return new Builder(settings);
  }

  /** A new channel to the service configured as {@code squadron.clients.<serviceName>}. */
  public ManagedChannel channel(String serviceName) {
    return channel(settings.get(serviceName));
  }

  /** A new channel as described by {@code client}. */
  public ManagedChannel channel(ClientSettings client) {
    requireNonNull(client, "client");
    NettyChannelBuilder builder =
        NettyChannelBuilder.forTarget(client.target(), credentials.apply(client))
            .defaultServiceConfig(ServiceConfigs.of(client))
            .disableServiceConfigLookUp()
            .maxInboundMessageSize(client.maxInboundMessageSize())
            // The els policy's per-endpoint weights and breaker state go where this factory's
            // metrics go.
            .setNameResolverArg(ElsLoadBalancerProvider.METER_REGISTRY, registry);
    if (ServiceConfigs.anyRetry(client)) {
      builder.enableRetry();
    } else {
      // Fail fast: the caller decides whether to retry (Padlock's rule).
      builder.disableRetry();
    }
    List<ClientInterceptor> chain = new ArrayList<>(interceptors);
    chain.add(
        new ClientMetricsInterceptor(registry, client.name(), client.metrics(), System::nanoTime));
    builder.intercept(chain);
    ManagedChannel channel = builder.build();
    created.add(channel);
    return channel;
  }

  /** Shuts down every channel this factory created and waits briefly for them. */
  @Override
  public void close() {
    for (ManagedChannel channel : created) {
      channel.shutdown();
    }
    for (ManagedChannel channel : created) {
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    created.clear();
    for (AutoCloseable resource : onClose) {
      try {
        resource.close();
      } catch (Exception e) {
        // Closing is best effort: a watcher thread that fails to stop is a daemon.
      }
    }
  }

  /** Assembles a {@link ChannelFactory}. */
  public static final class Builder {
    private final ClientsSettings settings;
    private MeterRegistry registry = new SimpleMeterRegistry();
    private Function<ClientSettings, ChannelCredentials> credentials =
        c -> InsecureChannelCredentials.create();
    private final List<ClientInterceptor> interceptors = new ArrayList<>();
    private final List<AutoCloseable> onClose = new ArrayList<>();

    private Builder(ClientsSettings settings) {
      this.settings = requireNonNull(settings, "settings");
    }

    /** Where client metrics go (normally the server's registry, so one scrape shows both). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The transport security per target (mutual TLS, checking the server names the service meant).
     */
    public Builder credentials(Function<ClientSettings, ChannelCredentials> credentials) {
      this.credentials = requireNonNull(credentials, "credentials");
      return this;
    }

    /** Adds an interceptor to every channel (e.g. one that attaches a caller identity header). */
    public Builder interceptor(ClientInterceptor interceptor) {
      interceptors.add(requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /**
     * Closes {@code resource} (e.g. a certificate watcher the credentials use) when the factory
     * closes.
     */
    public Builder onClose(AutoCloseable resource) {
      onClose.add(requireNonNull(resource, "resource"));
      return this;
    }

    public ChannelFactory build() {
      return new ChannelFactory(this);
    }
  }
}
