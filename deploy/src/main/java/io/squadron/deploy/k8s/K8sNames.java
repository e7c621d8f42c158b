package io.squadron.deploy.k8s;

import static io.squadron.deploy.render.Documents.map;

import io.squadron.deploy.catalog.PlatformTopology;
import java.util.Map;

/**
 * The names, labels and ports the manifests share, so that selectors, DNS names and configs agree.
 */
final class K8sNames {
  static final int GRPC_PORT = 7000;
  static final int ADMIN_PORT = 9090;
  static final String NAME = "app.kubernetes.io/name";
  static final String PART_OF = "app.kubernetes.io/part-of";
  static final String COMPONENT = "app.kubernetes.io/component";
  static final String VERSION = "app.kubernetes.io/version";
  static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  static final String REGION = "squadron.io/region";
  static final String GROUP = "squadron.io/group";
  static final String CONFIG_DIR = "/etc/squadron/config";
  static final String TLS_DIR = "/etc/squadron/tls";
  static final String CA_ISSUER = "squadron-ca";
  static final String CASSANDRA_CLUSTER = "squadron";
  static final String POSTGRES_CLUSTER = "postgres";
  static final String KAFKA_CLUSTER = "kafka";
  static final String MEMCACHED = "memcached";

  private K8sNames() {}

  /**
   * The headless Service (and DNS name) of one group of a service in a region: {@code
   * padlock-eu-a}.
   */
  static String groupService(String service, String region, String group) {
    return service + "-" + region + "-" + group;
  }

  /** The Deployment (and ConfigMap, PDB, HPA) of one group: {@code padlock-a}. */
  static String groupWorkload(String service, String group) {
    return service + "-" + group;
  }

  static String fqdn(PlatformTopology t, String serviceName) {
    return serviceName + "." + t.namespace() + ".svc." + t.clusterDomain();
  }

  /** Labels of everything that belongs to a service. */
  static Map<String, Object> serviceLabels(PlatformTopology t, String service, String region) {
    return map(
        NAME,
        service,
        PART_OF,
        "squadron",
        COMPONENT,
        "service",
        MANAGED_BY,
        "squadron-manifests",
        REGION,
        region);
  }

  /**
   * Labels of a group's pods and objects (the selector is name and group; the version changes per
   * release).
   */
  static Map<String, Object> groupLabels(
      PlatformTopology t, String service, String region, String group) {
    Map<String, Object> labels = serviceLabels(t, service, region);
    labels.put(GROUP, group);
    labels.put(VERSION, t.imageTag());
    return labels;
  }

  static Map<String, Object> selector(String service, String group) {
    return map(NAME, service, GROUP, group);
  }

  static Map<String, Object> metadata(String name, PlatformTopology t, Map<String, Object> labels) {
    return map("name", name, "namespace", t.namespace(), "labels", labels);
  }
}
