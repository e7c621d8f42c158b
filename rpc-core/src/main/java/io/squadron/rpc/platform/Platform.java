package io.squadron.rpc.platform;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.platform.ClientSecurity;
import io.squadron.rpc.platform.ServerSecurity;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;

/**
 * Builds a service's server and clients from its configuration, so a {@code main} writes none of the platform:
 *
 * <pre>{@code
 * Config config = ConfigLoader.fromArgs(args, System.getenv());
 * PrometheusMeterRegistry metrics = Platform.newMeterRegistry();
 * ChannelFactory clients = Platform.clients(config, metrics).build();     // if it calls other services
 * SquadronServer server = Platform.server(config, metrics).service(new MyGrpcService(...)).build().start();
 * }</pre>
 *
 * <p>The server gets its listener settings ({@code squadron.server}, {@code squadron.admin}), mutual TLS and caller
 * identity ({@code squadron.security}), permissions ({@code squadron.permissions}) and rate limits
 * ({@code squadron.rate-limits}); clients get their targets ({@code squadron.clients}) and mutual TLS as this
 * service. Both record into one registry, so one scrape shows the service's server and client metrics.
 */
public final class Platform {
  private Platform() {}

  /** A fresh Prometheus registry for one service process. */
  public static PrometheusMeterRegistry newMeterRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** A server builder with every platform stage configured; add services, then build and start. */
  public static SquadronServer.Builder server(Config config, PrometheusMeterRegistry registry) {
    requireNonNull(config, "config");
    requireNonNull(registry, "registry");
    SquadronServer.Builder builder = SquadronServer.builder(ServerSettings.from(config)).meterRegistry(registry);
    ServerSecurity.configure(builder, config, registry);
    return builder;
  }

  /** A channel factory builder for the services in {@code squadron.clients}, as this service. */
  public static ChannelFactory.Builder clients(Config config, PrometheusMeterRegistry registry) {
    requireNonNull(config, "config");
    requireNonNull(registry, "registry");
    return ClientSecurity.configure(ChannelFactory.builder(ClientsSettings.from(config)), config)
        .meterRegistry(registry);
  }
}
