package io.squadron.deploy.local;

import com.typesafe.config.ConfigUtil;
import io.squadron.infra.LocalInfra;
import io.squadron.store.postgres.PostgresDatabases;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.Base64;
import java.util.Map;

/**
 * The deployment config {@code up} writes for each service on this machine: mutual TLS with the local CA, the
 * operator identity added to its policy (for the demo calls), where the services it calls are, and its stores in
 * store-support's standard keys ({@code squadron.stores.*}): a PostgreSQL database and a Cassandra keyspace of its own
 * (named after it), and a memcached key prefix of its own.
 */
final class ServiceConfigs {
  private final Workspace workspace;
  private final Map<String, String> stores;
  private final Map<String, RunningService> running;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param stores the {@code SQUADRON_*} addresses of the local stores ({@link LocalInfra#environment()})
   * @param running the services started so far, by name
   */
  ServiceConfigs(Workspace workspace, Map<String, String> stores, Map<String, RunningService> running) {
    this.workspace = workspace;
    this.stores = stores;
    this.running = running;
  }

  String forService(ServiceSpec spec) {
    StringBuilder hocon = new StringBuilder()
        .append("squadron.security { mode = mtls, cert-dir = ").append(quote(workspace.certDir().toString()))
        .append(" }\n");
    for (String grpcService : spec.grpcServices()) {
      hocon.append("squadron.permissions.policy { ").append(quote(grpcService)).append(" += ")
          .append(quote(ServiceCatalog.OPERATOR_IDENTITY)).append(" }\n");
    }
    switch (spec.name()) {
      case "padlock" -> hocon
          .append(cassandra(spec.name()))
          .append(memcached(spec.name()))
          // A fresh master key per local run: the local Cassandra is fresh too. Never a real key.
          .append("squadron.padlock.master-keys { current = 1, keys { 1 = ").append(quote(newKey())).append(" } }\n");
      case "userdb" -> hocon
          .append(postgres(spec.name()))
          .append(cassandra(spec.name()))
          .append(client("padlock"));
      default -> { }
    }
    return hocon.toString();
  }

  /** store-support's standard PostgreSQL keys: a database of the service's own, created on the local server. */
  private String postgres(String service) {
    String admin = stores.get(LocalInfra.POSTGRES_URL_ENV);
    if (admin == null) {
      throw new IllegalStateException("no " + LocalInfra.POSTGRES_URL_ENV + " from the local stores");
    }
    try {
      return "squadron.stores.postgres.url = " + quote(PostgresDatabases.ensure(admin, storeName(service))) + "\n";
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the database of " + service + " (SQLState " + e.getSQLState()
          + ")", e);
    }
  }

  /** store-support's standard Cassandra keys: the local cluster, a keyspace of the service's own (made at start). */
  private String cassandra(String service) {
    return "squadron.stores.cassandra { endpoint = " + store(LocalInfra.CASSANDRA_ENV) + ", keyspace = "
        + storeName(service) + " }\n";
  }

  /** store-support's standard memcached keys: the local server, keys prefixed with the service's name. */
  private String memcached(String service) {
    return "squadron.stores.memcached { addresses = " + store(LocalInfra.MEMCACHED_ENV) + ", key-prefix = "
        + quote(service + ":") + " }\n";
  }

  /** A database or keyspace name for {@code service}: lower case, {@code -} as {@code _}. */
  static String storeName(String service) {
    return service.toLowerCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /** The config of a demo program calling {@code service} as the operator identity. */
  String forDemo(String service) {
    return "squadron.security { service-name = " + quote(ServiceCatalog.OPERATOR_IDENTITY) + ", cert-dir = "
        + quote(workspace.certDir().toString()) + " }\n"
        // The first call pays for a cold JVM and a TLS handshake; on a busy 2-core machine that takes seconds.
        + "squadron.client-defaults.deadline = 20s\n"
        + "squadron.padlock-client.deadline = 20s\n"
        + client(service);
  }

  private String client(String service) {
    RunningService target = running.get(service);
    if (target == null) {
      throw new IllegalStateException(service + " must start before the services that call it");
    }
    return "squadron.clients." + service + ".addresses = [" + quote(target.address()) + "]\n";
  }

  private String store(String variable) {
    String value = stores.get(variable);
    if (value == null) {
      throw new IllegalStateException("no " + variable + " from the local stores");
    }
    return quote(value);
  }

  private String newKey() {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  private static String quote(String s) {
    return ConfigUtil.quoteString(s);
  }
}
