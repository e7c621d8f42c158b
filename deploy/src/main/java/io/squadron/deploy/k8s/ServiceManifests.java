package io.squadron.deploy.k8s;

import static io.squadron.deploy.k8s.K8sNames.ADMIN_PORT;
import static io.squadron.deploy.k8s.K8sNames.GRPC_PORT;
import static io.squadron.deploy.k8s.K8sNames.NAME;
import static io.squadron.deploy.render.Documents.map;

import com.typesafe.config.ConfigUtil;
import io.squadron.deploy.catalog.PlatformTopology;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.rpc.config.EnvironmentOverrides;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import io.squadron.rpc.security.SpiffeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One service's objects in one region, from its descriptor: a ServiceAccount, a cert-manager
 * Certificate (the SPIFFE URI SAN its callers check), a NetworkPolicy, and per deployment group a
 * ConfigMap, a headless Service, a Deployment, a PodDisruptionBudget and a HorizontalPodAutoscaler.
 *
 * <p>A group's instances call the same group of each service they call ({@code
 * dns:///<callee>-<region>-<group>}), so a bad release or a failing memcached in one group stays in
 * that group.
 */
final class ServiceManifests {
  /** The caller that grants every named service (rpc-core's permission policy). */
  private static final String ANY_SERVICE = "service:*";

  private final PlatformTopology topology;
  private final ServiceCatalog catalog;

  ServiceManifests(PlatformTopology topology, ServiceCatalog catalog) {
    this.topology = topology;
    this.catalog = catalog;
  }

  List<Object> documents(ServiceDescriptor d, String region) {
    List<Object> docs = new ArrayList<>();
    Map<String, Object> labels = K8sNames.serviceLabels(topology, d.name(), region);
    docs.add(
        map(
            "apiVersion",
            "v1",
            "kind",
            "ServiceAccount",
            "metadata",
            K8sNames.metadata(d.name(), topology, labels),
            "automountServiceAccountToken",
            false));
    docs.add(certificate(d, region, labels));
    docs.add(networkPolicy(d, labels));
    docs.add(podMonitor(d, labels));
    for (String group : d.deploymentGroups()) {
      Map<String, Object> groupLabels = K8sNames.groupLabels(topology, d.name(), region, group);
      String workload = K8sNames.groupWorkload(d.name(), group);
      docs.add(
          map(
              "apiVersion",
              "v1",
              "kind",
              "ConfigMap",
              "metadata",
              K8sNames.metadata(workload, topology, groupLabels),
              "data",
              map("application.conf", config(d, region, group))));
      docs.add(headlessService(d, region, group, groupLabels));
      docs.add(deployment(d, group, workload, groupLabels));
      docs.add(
          map(
              "apiVersion",
              "policy/v1",
              "kind",
              "PodDisruptionBudget",
              "metadata",
              K8sNames.metadata(workload, topology, groupLabels),
              "spec",
              map(
                  "maxUnavailable",
                  1,
                  "selector",
                  map("matchLabels", K8sNames.selector(d.name(), group)))));
      docs.add(
          map(
              "apiVersion",
              "autoscaling/v2",
              "kind",
              "HorizontalPodAutoscaler",
              "metadata",
              K8sNames.metadata(workload, topology, groupLabels),
              "spec",
              map(
                  "scaleTargetRef",
                      map("apiVersion", "apps/v1", "kind", "Deployment", "name", workload),
                  "minReplicas", d.scaling().minInstances(),
                  "maxReplicas", d.scaling().maxInstances(),
                  "metrics",
                      List.of(
                          map(
                              "type",
                              "Resource",
                              "resource",
                              map(
                                  "name",
                                  "cpu",
                                  "target",
                                  map(
                                      "type",
                                      "Utilization",
                                      "averageUtilization",
                                      d.scaling().targetCpuUtilization())))))));
    }
    return docs;
  }

  private Map<String, Object> certificate(
      ServiceDescriptor d, String region, Map<String, Object> labels) {
    List<Object> dnsNames = new ArrayList<>();
    for (String group : d.deploymentGroups()) {
      dnsNames.add(K8sNames.fqdn(topology, K8sNames.groupService(d.name(), region, group)));
    }
    return map(
        "apiVersion",
        "cert-manager.io/v1",
        "kind",
        "Certificate",
        "metadata",
        K8sNames.metadata(d.name(), topology, labels),
        "spec",
        map(
            "secretName",
            d.name() + "-tls",
            "duration",
            "2160h",
            "renewBefore",
            "360h",
            // Callers check this URI SAN: it is the service's identity (rpc-core's SpiffeId).
            "uris",
            List.of(SpiffeId.of(SpiffeId.DEFAULT_TRUST_DOMAIN, d.name())),
            "dnsNames",
            dnsNames,
            "privateKey",
            map("algorithm", "ECDSA", "size", 256, "encoding", "PKCS8", "rotationPolicy", "Always"),
            "usages",
            List.of("digital signature", "server auth", "client auth"),
            "issuerRef",
            map("name", K8sNames.CA_ISSUER, "kind", "ClusterIssuer", "group", "cert-manager.io")));
  }

  /**
   * Ingress on the gRPC port from exactly the services the descriptor's permissions name (and the
   * edge gateway when client apps may call), on the admin port from monitoring; egress to the
   * services it calls, its stores and DNS.
   */
  private Map<String, Object> networkPolicy(ServiceDescriptor d, Map<String, Object> labels) {
    List<Object> ingress = new ArrayList<>();
    for (String caller : serviceCallers(d)) {
      ingress.add(
          map(
              "from",
              List.of(map("podSelector", map("matchLabels", map(NAME, caller)))),
              "ports",
              List.of(port(GRPC_PORT))));
    }
    if (allowsAnyService(d)) {
      // service:* grants every named service: every service pod of the platform, never its stores
      // or the edge.
      ingress.add(
          map(
              "from",
              List.of(map("podSelector", map("matchLabels", anyServicePod()))),
              "ports",
              List.of(port(GRPC_PORT))));
    }
    if (hasAppCallers(d)) {
      ingress.add(
          map(
              "from",
              List.of(
                  map(
                      "namespaceSelector",
                      map(
                          "matchLabels",
                          map("kubernetes.io/metadata.name", topology.edgeGatewayNamespace())))),
              "ports",
              List.of(port(GRPC_PORT))));
    }
    ingress.add(
        map(
            "from",
            List.of(
                map(
                    "namespaceSelector",
                    map(
                        "matchLabels",
                        map("kubernetes.io/metadata.name", topology.monitoringNamespace())))),
            "ports",
            List.of(port(ADMIN_PORT))));
    List<Object> egress = new ArrayList<>();
    for (String callee : d.calls()) {
      egress.add(
          map(
              "to",
              List.of(map("podSelector", map("matchLabels", map(NAME, callee)))),
              "ports",
              List.of(port(GRPC_PORT))));
    }
    for (String store : d.stores()) {
      egress.add(StoreManifests.egressTo(store));
    }
    egress.add(
        map(
            "to",
            List.of(
                map(
                    "namespaceSelector",
                    map("matchLabels", map("kubernetes.io/metadata.name", "kube-system")),
                    "podSelector",
                    map("matchLabels", map("k8s-app", "kube-dns")))),
            "ports",
            List.of(map("port", 53, "protocol", "UDP"), map("port", 53, "protocol", "TCP"))));
    return map(
        "apiVersion",
        "networking.k8s.io/v1",
        "kind",
        "NetworkPolicy",
        "metadata",
        K8sNames.metadata(d.name(), topology, labels),
        "spec",
        map(
            "podSelector",
            map("matchLabels", map(NAME, d.name())),
            "policyTypes",
            List.of("Ingress", "Egress"),
            "ingress",
            ingress,
            "egress",
            egress));
  }

  /**
   * Scraping by the Prometheus Operator with the labels the shipped rules and dashboards use, as
   * {@code squadron up} sets them: {@code service}, {@code region}, {@code group}, {@code version},
   * {@code job="squadron"}, and rpc-core's gRPC service tag as {@code grpc_service}.
   */
  private Map<String, Object> podMonitor(ServiceDescriptor d, Map<String, Object> labels) {
    List<Object> relabelings = new ArrayList<>();
    for (String[] label :
        new String[][] {
          {K8sNames.NAME, "service"},
          {K8sNames.REGION, "region"},
          {K8sNames.GROUP, "group"},
          {K8sNames.VERSION, "version"}
        }) {
      relabelings.add(
          map(
              "sourceLabels",
              List.of("__meta_kubernetes_pod_label_" + label[0].replaceAll("[^a-zA-Z0-9]", "_")),
              "targetLabel",
              label[1]));
    }
    relabelings.add(map("targetLabel", "job", "replacement", "squadron"));
    return map(
        "apiVersion",
        "monitoring.coreos.com/v1",
        "kind",
        "PodMonitor",
        "metadata",
        K8sNames.metadata(d.name(), topology, labels),
        "spec",
        map(
            "selector",
            map("matchLabels", map(NAME, d.name())),
            "podMetricsEndpoints",
            List.of(
                map(
                    "port",
                    "admin",
                    "path",
                    "/metrics",
                    "interval",
                    "15s",
                    "relabelings",
                    relabelings,
                    "metricRelabelings",
                    List.of(
                        map(
                            "sourceLabels",
                            List.of("exported_service"),
                            "regex",
                            "(.+)",
                            "targetLabel",
                            "grpc_service"),
                        map("regex", "exported_service", "action", "labeldrop"))))));
  }

  /**
   * The services (not apps, not {@code service:*}) the descriptor's permissions name for any of its
   * methods.
   */
  static TreeSet<String> serviceCallers(ServiceDescriptor d) {
    TreeSet<String> callers = new TreeSet<>();
    d.permissions()
        .values()
        .forEach(
            list ->
                list.stream()
                    .filter(c -> !c.startsWith("app:") && !c.equals(ANY_SERVICE))
                    .forEach(callers::add));
    return callers;
  }

  /** Whether some method grants {@code service:*} (every named service). */
  static boolean allowsAnyService(ServiceDescriptor d) {
    return d.permissions().values().stream().anyMatch(list -> list.contains(ANY_SERVICE));
  }

  /** The labels every service pod of the platform carries (and no store's or gateway's pod). */
  static Map<String, Object> anyServicePod() {
    return map(K8sNames.PART_OF, "squadron", K8sNames.COMPONENT, "service");
  }

  static boolean hasAppCallers(ServiceDescriptor d) {
    return d.permissions().values().stream()
        .anyMatch(list -> list.stream().anyMatch(c -> c.startsWith("app:")));
  }

  private static Map<String, Object> port(int port) {
    return map("port", port, "protocol", "TCP");
  }

  private Map<String, Object> headlessService(
      ServiceDescriptor d, String region, String group, Map<String, Object> labels) {
    // Headless: DNS answers every ready pod's address, and ELS balances over them (dns:///).
    return map(
        "apiVersion",
        "v1",
        "kind",
        "Service",
        "metadata",
        K8sNames.metadata(K8sNames.groupService(d.name(), region, group), topology, labels),
        "spec",
        map(
            "clusterIP",
            "None",
            "selector",
            K8sNames.selector(d.name(), group),
            "ports",
            List.of(
                map(
                    "name",
                    "grpc",
                    "port",
                    GRPC_PORT,
                    "targetPort",
                    "grpc",
                    "protocol",
                    "TCP",
                    "appProtocol",
                    "kubernetes.io/h2c"),
                map(
                    "name",
                    "admin",
                    "port",
                    ADMIN_PORT,
                    "targetPort",
                    "admin",
                    "protocol",
                    "TCP"))));
  }

  /**
   * The service's HOCON for one region and group; secrets come from the environment (Kubernetes
   * Secrets).
   */
  String config(ServiceDescriptor d, String region, String group) {
    StringBuilder hocon =
        new StringBuilder()
            .append("# Generated by './squadron manifests' for ")
            .append(d.name())
            .append(" in ")
            .append(region)
            .append(", deployment group ")
            .append(group)
            .append(".\n")
            .append("squadron.server { host = \"0.0.0.0\", port = ")
            .append(GRPC_PORT)
            .append(" }\n")
            .append("squadron.admin { host = \"0.0.0.0\", port = ")
            .append(ADMIN_PORT)
            .append(" }\n")
            .append("squadron.security { mode = mtls, ca-file = ")
            .append(q(K8sNames.TLS_DIR + "/ca.crt"))
            .append(", cert-file = ")
            .append(q(K8sNames.TLS_DIR + "/tls.crt"))
            .append(", key-file = ")
            .append(q(K8sNames.TLS_DIR + "/tls.key"))
            .append(" }\n");
    for (String callee : d.calls()) {
      hocon
          .append("squadron.clients.")
          .append(callee)
          .append(".target = ")
          .append(
              q(
                  "dns:///"
                      + K8sNames.fqdn(
                          topology,
                          K8sNames.groupService(callee, region, calleeGroup(callee, group)))
                      + ":"
                      + GRPC_PORT))
          .append('\n');
    }
    hocon.append(StoreManifests.storeConfig(topology, d, region));
    List<String> fromEnvironment = new ArrayList<>();
    d.secrets().forEach(s -> fromEnvironment.add(s.configKey()));
    if (d.needs(ServiceDescriptor.Stores.POSTGRES)) {
      fromEnvironment.add("squadron.stores.postgres.url");
    }
    if (!fromEnvironment.isEmpty()) {
      hocon
          .append("# From Secrets, through CONFIG_FORCE_* variables: ")
          .append(String.join(", ", fromEnvironment))
          .append('\n');
    }
    return hocon.toString();
  }

  /**
   * The callee's group a caller of {@code group} uses: the same one, or the callee's first if it
   * has no such.
   */
  private String calleeGroup(String callee, String group) {
    List<String> groups =
        catalog.find(callee).map(m -> m.descriptor().deploymentGroups()).orElse(List.of(group));
    return groups.contains(group) ? group : groups.get(0);
  }

  private Map<String, Object> deployment(
      ServiceDescriptor d, String group, String workload, Map<String, Object> labels) {
    List<Object> env = new ArrayList<>();
    env.add(
        map(
            "name",
            "JAVA_TOOL_OPTIONS",
            "value",
            "-Xmx" + d.resources().heap() + " -XX:+ExitOnOutOfMemoryError"));
    for (ServiceDescriptor.Secret secret : d.secrets()) {
      env.add(secretEnv(secret.configKey(), d.name() + "-secrets", secret.configKey()));
    }
    if (d.needs(ServiceDescriptor.Stores.POSTGRES)) {
      // A JDBC URL with the service's own role and password (the role is CloudNativePG's managed
      // role).
      env.add(secretEnv("squadron.stores.postgres.url", d.name() + "-postgres", "jdbc-url"));
    }
    Map<String, Object> container =
        map(
            "name", d.name(),
            "image", topology.imagePrefix() + d.name() + ":" + topology.imageTag(),
            "imagePullPolicy", "IfNotPresent",
            // Jib's layout: the service's classes, resources and dependencies.
            "command", List.of("java"),
            "args",
                List.of(
                    "-cp",
                    "/app/resources:/app/classes:/app/libs/*",
                    d.mainClass(),
                    "--config",
                    K8sNames.CONFIG_DIR + "/application.conf"),
            "ports",
                List.of(
                    map("name", "grpc", "containerPort", GRPC_PORT, "protocol", "TCP"),
                    map("name", "admin", "containerPort", ADMIN_PORT, "protocol", "TCP")),
            "env", env,
            "resources",
                map(
                    "requests",
                    map("cpu", d.resources().cpu(), "memory", d.resources().memory()),
                    "limits",
                    map("memory", d.resources().memory())),
            "startupProbe", probe("/healthz", 2, 60),
            "livenessProbe", probe("/healthz", 10, 3),
            "readinessProbe", probe("/readyz", 5, 2),
            "securityContext",
                map(
                    "runAsNonRoot",
                    true,
                    "runAsUser",
                    10001,
                    "allowPrivilegeEscalation",
                    false,
                    "readOnlyRootFilesystem",
                    true,
                    "capabilities",
                    map("drop", List.of("ALL"))),
            "volumeMounts",
                List.of(
                    map("name", "config", "mountPath", K8sNames.CONFIG_DIR, "readOnly", true),
                    map("name", "tls", "mountPath", K8sNames.TLS_DIR, "readOnly", true),
                    map("name", "tmp", "mountPath", "/tmp")));
    Map<String, Object> pod =
        map(
            "serviceAccountName", d.name(),
            "automountServiceAccountToken", false,
            // rpc-core drains within its grace period (10 s) after SIGTERM.
            "terminationGracePeriodSeconds", 30,
            "topologySpreadConstraints",
                List.of(
                    map(
                        "maxSkew",
                        1,
                        "topologyKey",
                        "topology.kubernetes.io/zone",
                        "whenUnsatisfiable",
                        "ScheduleAnyway",
                        "labelSelector",
                        map("matchLabels", K8sNames.selector(d.name(), group)))),
            "containers", List.of(container),
            "volumes",
                List.of(
                    map("name", "config", "configMap", map("name", workload)),
                    map("name", "tls", "secret", map("secretName", d.name() + "-tls")),
                    map("name", "tmp", "emptyDir", map())));
    return map(
        "apiVersion",
        "apps/v1",
        "kind",
        "Deployment",
        "metadata",
        K8sNames.metadata(workload, topology, labels),
        "spec",
        map(
            "replicas", d.scaling().minInstances(),
            "selector", map("matchLabels", K8sNames.selector(d.name(), group)),
            "strategy",
                map(
                    "type",
                    "RollingUpdate",
                    "rollingUpdate",
                    map("maxUnavailable", 0, "maxSurge", 1)),
            "template", map("metadata", map("labels", labels), "spec", pod)));
  }

  private static Map<String, Object> probe(String path, int periodSeconds, int failureThreshold) {
    return map(
        "httpGet",
        map("path", path, "port", "admin"),
        "periodSeconds",
        periodSeconds,
        "failureThreshold",
        failureThreshold,
        "timeoutSeconds",
        2);
  }

  private static Map<String, Object> secretEnv(String configKey, String secret, String key) {
    return map(
        "name",
        envName(configKey),
        "valueFrom",
        map("secretKeyRef", map("name", secret, "key", key)));
  }

  /**
   * rpc-core's environment override of a config key (Typesafe's convention: . is _, - is __, _ is
   * ___).
   */
  static String envName(String configKey) {
    StringBuilder name = new StringBuilder(EnvironmentOverrides.PREFIX);
    for (char c : configKey.toCharArray()) {
      switch (c) {
        case '.' -> name.append('_');
        case '-' -> name.append("__");
        case '_' -> name.append("___");
        default -> name.append(c);
      }
    }
    return name.toString();
  }

  private static String q(String s) {
    return ConfigUtil.quoteString(s);
  }
}
