package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.ConfigUtil;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The deployment config {@code up} writes for each service, from its descriptor only: mutual TLS
 * with the local CA, the operator identity and the demo app added to its policy, its own database,
 * keyspace and key prefix on the local stores, fresh secrets, and where the services it calls are.
 */
final class ServiceConfigs {
  static final String OPERATOR_IDENTITY = LocalPlatform.OPERATOR_IDENTITY;
  static final String DEMO_APP = LocalPlatform.DEMO_APP;

  private final Workspace workspace;
  private final LocalStores stores;
  private final Map<String, RunningService> running;
  private final String demoAppTokenSha256;
  private final SecureRandom random = new SecureRandom();

  /**
   * @param stores the local stores, which create each service's database, keyspace and prefix
   * @param running the services started so far, by name
   * @param demoAppTokenSha256 the hex SHA-256 of the demo app's token
   */
  ServiceConfigs(
      Workspace workspace,
      LocalStores stores,
      Map<String, RunningService> running,
      String demoAppTokenSha256) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.stores = requireNonNull(stores, "stores");
    this.running = requireNonNull(running, "running");
    this.demoAppTokenSha256 = requireNonNull(demoAppTokenSha256, "demoAppTokenSha256");
  }

  String forService(ServiceModule service) {
    ServiceDescriptor d = service.descriptor();
    StringBuilder hocon =
        new StringBuilder()
            .append("squadron.security { mode = mtls, cert-dir = ")
            .append(quote(workspace.certDir().toString()))
            .append(", apps.")
            .append(DEMO_APP)
            .append(".token-sha256 = ")
            .append(quote(demoAppTokenSha256))
            .append(" }\n");
    for (String grpcService : d.grpcServices()) {
      hocon
          .append("squadron.permissions.policy { ")
          .append(quote(grpcService))
          .append(" += ")
          .append(quote(OPERATOR_IDENTITY))
          .append(" }\n");
    }
    hocon.append(stores.configFor(d));
    for (String callee : d.calls()) {
      hocon.append(clientOf(callee));
    }
    for (ServiceDescriptor.Secret secret : d.secrets()) {
      // A fresh secret per local run: the local stores are fresh too. Never a real one.
      byte[] value = new byte[secret.randomBytes()];
      random.nextBytes(value);
      hocon
          .append(secret.configKey())
          .append(" = ")
          .append(quote(Base64.getEncoder().encodeToString(value)))
          .append('\n');
    }
    return hocon.toString();
  }

  /** The config of a tool calling {@code service} as the operator identity. */
  String forOperator(String service) {
    return "squadron.security { service-name = "
        + quote(OPERATOR_IDENTITY)
        + ", cert-dir = "
        + quote(workspace.certDir().toString())
        + " }\n"
        // The first call pays for a cold JVM and a TLS handshake; on a busy 2-core machine that
        // takes seconds.
        + "squadron.client-defaults.deadline = 20s\n"
        + clientOf(service);
  }

  /**
   * The config of {@code service}'s demo program, as the operator identity: clients of the service
   * and of the services it calls (a demo may set up what the service needs, such as a user's keys),
   * and the external systems it talks to (a demo may play their other side, such as the payer at
   * the provider simulator).
   */
  String forDemo(ServiceDescriptor service) {
    StringBuilder hocon = new StringBuilder(forOperator(service.name()));
    for (String callee : service.calls()) {
      hocon.append(clientOf(callee));
    }
    return hocon.append(stores.externalConfigFor(service)).toString();
  }

  private String clientOf(String service) {
    RunningService target = running.get(service);
    if (target == null) {
      throw new IllegalStateException(service + " must start before the services that call it");
    }
    return "squadron.clients." + service + ".addresses = [" + quote(target.address()) + "]\n";
  }

  static String quote(String s) {
    return ConfigUtil.quoteString(s);
  }
}
