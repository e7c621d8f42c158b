package io.squadron.deploy.local;

import com.typesafe.config.ConfigUtil;
import io.squadron.infra.LocalInfra;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The deployment config {@code up} writes for each service on this machine: mutual TLS with the local CA, the
 * operator identity added to its policy (for the demo calls), and where its stores and the services it calls are.
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
          .append("squadron.padlock.cassandra.endpoint = ").append(store(LocalInfra.CASSANDRA_ENV)).append('\n')
          .append("squadron.padlock.memcached.addresses = ").append(store(LocalInfra.MEMCACHED_ENV)).append('\n')
          // A fresh master key per local run: the local Cassandra is fresh too. Never a real key.
          .append("squadron.padlock.master-keys { current = 1, keys { 1 = ").append(quote(newKey())).append(" } }\n");
      case "userdb" -> hocon
          .append("squadron.userdb.postgres.url = ").append(store(LocalInfra.POSTGRES_URL_ENV)).append('\n')
          .append("squadron.userdb.cassandra.endpoint = ").append(store(LocalInfra.CASSANDRA_ENV)).append('\n')
          .append(client("padlock"));
      default -> { }
    }
    return hocon.toString();
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
