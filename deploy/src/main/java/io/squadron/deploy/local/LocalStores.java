package io.squadron.deploy.local;

import io.squadron.infra.LocalInfra;
import io.squadron.infra.LocalServer;
import io.squadron.infra.providers.ProvidersSimCredentials;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import io.squadron.store.postgres.PostgresDatabases;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The stores of the local platform (real servers started by local-infra, or external ones named by
 * {@code SQUADRON_*}), and each service's own part of them: a database, a keyspace, a key prefix,
 * handed to the service in the standard {@code squadron.stores.<kind>} keys its descriptor's store
 * needs stand for.
 */
final class LocalStores implements AutoCloseable {
  private final LocalInfra infra;

  private LocalStores(LocalInfra infra) {
    this.infra = infra;
  }

  /** Starts the stores of {@code kinds} (descriptor store kinds), in parallel. */
  static LocalStores start(Collection<String> kinds, Map<String, String> environment) {
    LocalInfra infra =
        LocalInfra.builder()
            .postgres(kinds.contains(ServiceDescriptor.Stores.POSTGRES))
            .cassandra(kinds.contains(ServiceDescriptor.Stores.CASSANDRA))
            .memcached(kinds.contains(ServiceDescriptor.Stores.MEMCACHED))
            .kafka(kinds.contains(ServiceDescriptor.Stores.KAFKA))
            .providersSim(kinds.contains(ServiceDescriptor.Stores.PROVIDERS_SIM))
            .fromEnvironment(environment)
            .build()
            .start();
    return new LocalStores(infra);
  }

  /** The servers started here (external ones are not listed). */
  List<LocalServer> servers() {
    return infra.servers();
  }

  /** The {@code SQUADRON_*} addresses of every store, started or external. */
  Map<String, String> environment() {
    return infra.environment();
  }

  /** The store keys of a service, creating its database if missing. */
  String configFor(ServiceDescriptor service) {
    StringBuilder hocon = new StringBuilder();
    String own = service.name().replace('-', '_');
    if (service.needs(ServiceDescriptor.Stores.POSTGRES)) {
      hocon
          .append("squadron.stores.postgres.url = ")
          .append(ServiceConfigs.quote(ensureDatabase(env(LocalInfra.POSTGRES_URL_ENV), own)))
          .append('\n');
    }
    if (service.needs(ServiceDescriptor.Stores.CASSANDRA)) {
      hocon
          .append("squadron.stores.cassandra { endpoint = ")
          .append(ServiceConfigs.quote(env(LocalInfra.CASSANDRA_ENV)))
          .append(", keyspace = ")
          .append(ServiceConfigs.quote(own))
          .append(" }\n");
    }
    if (service.needs(ServiceDescriptor.Stores.MEMCACHED)) {
      hocon
          .append("squadron.stores.memcached { addresses = ")
          .append(ServiceConfigs.quote(env(LocalInfra.MEMCACHED_ENV)))
          .append(", key-prefix = ")
          .append(ServiceConfigs.quote(service.name() + ":"))
          .append(" }\n");
    }
    if (service.needs(ServiceDescriptor.Stores.KAFKA)) {
      hocon
          .append("squadron.stores.kafka { bootstrap-servers = ")
          .append(ServiceConfigs.quote(env(LocalInfra.KAFKA_ENV)))
          .append(", topic-prefix = \"\" }\n");
    }
    hocon.append(externalConfigFor(service));
    return hocon.toString();
  }

  /**
   * The keys of the external systems a service talks to (not stores of its own, so its demo gets
   * them too): the payment provider simulator's base URL, control API and the credentials its
   * dashboard shows.
   */
  String externalConfigFor(ServiceDescriptor service) {
    return service.needs(ServiceDescriptor.Stores.PROVIDERS_SIM)
        ? ProvidersSimCredentials.storeConfig(env(LocalInfra.PROVIDERS_SIM_ENV))
        : "";
  }

  private String env(String variable) {
    String value = infra.environment().get(variable);
    if (value == null) {
      throw new IllegalStateException("no " + variable + " from the local stores");
    }
    return value;
  }

  private static String ensureDatabase(String adminUrl, String database) {
    try {
      return PostgresDatabases.ensure(adminUrl, database);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot create database " + database + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    infra.close();
  }
}
