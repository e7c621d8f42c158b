package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.ConfigUtil;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The deployment config {@code up} writes for each service instance, from its descriptor only:
 * mutual TLS with the local CA, the operator identity and the demo app added to its policy, its own
 * database, keyspace and key prefix on the local stores, fresh secrets, and where every instance of
 * the services it calls is, with its region. Every instance of a service shares its stores and its
 * secrets (one fresh secret per service per run: what one instance signs another must verify); each
 * instance prefers endpoints in its own region (ELS's {@code localRegion}).
 */
final class ServiceConfigs {
  static final String OPERATOR_IDENTITY = LocalPlatform.OPERATOR_IDENTITY;
  static final String DEMO_APP = LocalPlatform.DEMO_APP;

  private final Workspace workspace;
  private final LocalStores stores;
  private final Supplier<DesiredState> desired;
  private final String demoAppTokenSha256;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, String> sharedByService = new ConcurrentHashMap<>();
  // An HTTP/JSON port per slot, fixed for the run (a restarted instance keeps it), so clients can
  // be told where each instance's HTTP face is.
  private final Map<InstanceSlot, Integer> httpPorts = new ConcurrentHashMap<>();

  /**
   * @param stores the local stores, which create each service's database, keyspace and prefix
   * @param desired the current desired state (where every instance is)
   * @param demoAppTokenSha256 the hex SHA-256 of the demo app's token
   */
  ServiceConfigs(
      Workspace workspace,
      LocalStores stores,
      Supplier<DesiredState> desired,
      String demoAppTokenSha256) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.stores = requireNonNull(stores, "stores");
    this.desired = requireNonNull(desired, "desired");
    this.demoAppTokenSha256 = requireNonNull(demoAppTokenSha256, "demoAppTokenSha256");
  }

  /** The HTTP/JSON port of the instance in {@code slot} (its service must have an HTTP face). */
  int httpPort(InstanceSlot slot) {
    return httpPorts.computeIfAbsent(slot, s -> FreePorts.next());
  }

  /** The config of the instance in {@code slot} of {@code service}. */
  String forInstance(ServiceModule service, InstanceSlot slot) {
    ServiceDescriptor d = service.descriptor();
    StringBuilder hocon =
        new StringBuilder(sharedByService.computeIfAbsent(d.name(), n -> shared(service)));
    if (d.httpJson().isPresent()) {
      hocon.append("squadron.http.port = ").append(httpPort(slot)).append('\n');
    }
    // ELS prefers endpoints in this instance's own region and spills over to the others.
    hocon
        .append("squadron.client-defaults.load-balancing-config.localRegion = ")
        .append(quote(slot.region()))
        .append('\n');
    for (String callee : d.calls()) {
      hocon.append(clientOf(callee));
    }
    return hocon.toString();
  }

  /**
   * What every instance of {@code service} shares, made once per run: security, policy, its stores
   * (created on the first call) and its fresh secrets.
   */
  private String shared(ServiceModule service) {
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
   * The config of a tool calling {@code service} as the operator identity from {@code region}: its
   * ELS prefers that region's instances.
   */
  String forOperatorIn(String service, String region) {
    return forOperator(service)
        + "squadron.client-defaults.load-balancing-config.localRegion = "
        + quote(region)
        + "\n";
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

  /** {@code squadron.clients.<service>.endpoints}: every desired instance, with its region. */
  private String clientOf(String service) {
    List<DesiredInstance> targets = desired.get().instancesOf(service);
    if (targets.isEmpty()) {
      throw new IllegalStateException(service + " has no instance in the desired state");
    }
    StringBuilder endpoints = new StringBuilder("squadron.clients." + service + ".endpoints = [");
    for (int i = 0; i < targets.size(); i++) {
      DesiredInstance t = targets.get(i);
      endpoints
          .append(i == 0 ? "" : ", ")
          .append("{ address = ")
          .append(quote(t.address()))
          .append(", region = ")
          .append(quote(t.slot().region()))
          .append(" }");
    }
    return endpoints.append("]\n").toString();
  }

  static String quote(String s) {
    return ConfigUtil.quoteString(s);
  }
}
