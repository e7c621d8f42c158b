package io.squadron.deploy.k8s;

import static io.squadron.deploy.k8s.K8sNames.NAME;
import static io.squadron.deploy.render.Documents.map;

import com.typesafe.config.ConfigUtil;
import io.squadron.deploy.catalog.PlatformTopology;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The stores as the operators and charts people run them: Cassandra as one K8ssandra {@code
 * K8ssandraCluster} with a datacenter per region (keyspaces replicated with NetworkTopologyStrategy
 * to every region); PostgreSQL as a CloudNativePG {@code Cluster} per region (the first region's is
 * the primary, the others replica clusters of it), with a managed role and a {@code Database} per
 * service that needs one; Kafka as a Strimzi {@code Kafka} in KRaft mode with a node pool per
 * region; memcached as a StatefulSet behind a headless Service per region.
 */
final class StoreManifests {
  static final int CASSANDRA_PORT = 9042;
  static final int POSTGRES_PORT = 5432;
  static final int MEMCACHED_PORT = 11211;
  static final int KAFKA_PORT = 9093;
  static final int HTTPS_PORT = 443;

  /** RFC 1918: never reached through an external system's egress rule. */
  static final List<String> PRIVATE_RANGES =
      List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");

  private StoreManifests() {}

  /** The egress rule of a service's NetworkPolicy to a store of {@code kind}. */
  static Map<String, Object> egressTo(String kind) {
    return switch (kind) {
      case ServiceDescriptor.Stores.CASSANDRA ->
          egress(map("cassandra.datastax.com/cluster", K8sNames.CASSANDRA_CLUSTER), CASSANDRA_PORT);
      case ServiceDescriptor.Stores.POSTGRES ->
          egress(map("cnpg.io/cluster", K8sNames.POSTGRES_CLUSTER), POSTGRES_PORT);
      case ServiceDescriptor.Stores.MEMCACHED ->
          egress(map(NAME, K8sNames.MEMCACHED), MEMCACHED_PORT);
      case ServiceDescriptor.Stores.KAFKA ->
          egress(map("strimzi.io/cluster", K8sNames.KAFKA_CLUSTER), KAFKA_PORT);
      // Locally a simulator; in a cluster the real payment providers: HTTPS to addresses outside
      // the cluster's
      // private ranges only (their base URLs and secrets are the service's own config, not a
      // store's keys).
      case ServiceDescriptor.Stores.PROVIDERS_SIM ->
          map(
              "to",
              List.of(map("ipBlock", map("cidr", "0.0.0.0/0", "except", PRIVATE_RANGES))),
              "ports",
              List.of(map("port", HTTPS_PORT, "protocol", "TCP")));
      default ->
          throw new IllegalArgumentException(
              "store kind '" + kind + "' has no Kubernetes manifests");
    };
  }

  private static Map<String, Object> egress(Map<String, Object> podLabels, int port) {
    return map(
        "to",
        List.of(map("podSelector", map("matchLabels", podLabels))),
        "ports",
        List.of(map("port", port, "protocol", "TCP")));
  }

  /**
   * The {@code squadron.stores.*} keys of a service in a region (PostgreSQL's URL comes from a
   * Secret).
   */
  static String storeConfig(PlatformTopology t, ServiceDescriptor d, String region) {
    StringBuilder hocon = new StringBuilder();
    String own = d.name().replace('-', '_');
    if (d.needs(ServiceDescriptor.Stores.CASSANDRA)) {
      StringBuilder dcs = new StringBuilder();
      for (String r : t.regions()) {
        dcs.append(dcs.length() == 0 ? "" : ", ")
            .append(r)
            .append(" = ")
            .append(Math.min(3, t.cassandraNodes()));
      }
      hocon
          .append("squadron.stores.cassandra {\n  endpoint = ")
          .append(
              q(K8sNames.fqdn(t, cassandraService(region)) + ":" + CASSANDRA_PORT + "/" + region))
          .append("\n  keyspace = ")
          .append(q(own))
          .append("\n  replication { class = NetworkTopologyStrategy, datacenters { ")
          .append(dcs)
          .append(" } }\n}\n");
    }
    if (d.needs(ServiceDescriptor.Stores.MEMCACHED)) {
      List<String> addresses = new ArrayList<>();
      for (int i = 0; i < t.memcachedInstances(); i++) {
        addresses.add(
            K8sNames.MEMCACHED
                + "-"
                + i
                + "."
                + K8sNames.fqdn(t, K8sNames.MEMCACHED)
                + ":"
                + MEMCACHED_PORT);
      }
      hocon
          .append("squadron.stores.memcached { addresses = ")
          .append(q(String.join(" ", addresses)))
          .append(", key-prefix = ")
          .append(q(d.name() + ":"))
          .append(" }\n");
    }
    if (d.needs(ServiceDescriptor.Stores.KAFKA)) {
      // Strimzi's bootstrap Service; the listener is TLS with client certificates (the service's
      // own).
      hocon
          .append("squadron.stores.kafka { bootstrap-servers = ")
          .append(
              q(K8sNames.fqdn(t, K8sNames.KAFKA_CLUSTER + "-kafka-bootstrap") + ":" + KAFKA_PORT))
          .append(", topic-prefix = \"\" }\n");
    }
    return hocon.toString();
  }

  /** The client Service K8ssandra's cass-operator creates for a datacenter. */
  static String cassandraService(String datacenter) {
    return K8sNames.CASSANDRA_CLUSTER + "-" + datacenter + "-service";
  }

  /** The database of a service in the PostgreSQL cluster. */
  static String database(ServiceDescriptor d) {
    return d.name().replace('-', '_');
  }

  /**
   * {@code global/cassandra.yaml}: one K8ssandraCluster, a datacenter per region (a Kubernetes
   * context each).
   */
  static List<Object> cassandra(PlatformTopology t) {
    List<Object> datacenters = new ArrayList<>();
    for (String region : t.regions()) {
      datacenters.add(
          map(
              "metadata",
              map("name", region),
              "k8sContext",
              region,
              "size",
              t.cassandraNodes(),
              "racks",
              List.of(
                  map(
                      "name",
                      "r1",
                      "nodeAffinityLabels",
                      map("topology.kubernetes.io/zone", region + "-1")),
                  map(
                      "name",
                      "r2",
                      "nodeAffinityLabels",
                      map("topology.kubernetes.io/zone", region + "-2")),
                  map(
                      "name",
                      "r3",
                      "nodeAffinityLabels",
                      map("topology.kubernetes.io/zone", region + "-3")))));
    }
    return List.of(
        map(
            "apiVersion",
            "k8ssandra.io/v1alpha1",
            "kind",
            "K8ssandraCluster",
            "metadata",
            map(
                "name",
                K8sNames.CASSANDRA_CLUSTER,
                "namespace",
                t.namespace(),
                "labels",
                map(K8sNames.PART_OF, "squadron", K8sNames.MANAGED_BY, "squadron-manifests")),
            "spec",
            map(
                "cassandra",
                map(
                    "serverVersion", "5.0.4",
                    "storageConfig",
                        map(
                            "cassandraDataVolumeClaimSpec",
                            map(
                                "accessModes",
                                List.of("ReadWriteOnce"),
                                "resources",
                                map("requests", map("storage", "100Gi")))),
                    "config", map("jvmOptions", map("heapSize", "4Gi")),
                    "resources",
                        map(
                            "requests",
                            map("cpu", "2", "memory", "8Gi"),
                            "limits",
                            map("memory", "8Gi")),
                    "datacenters", datacenters))));
  }

  /** {@code <region>/stores.yaml}: PostgreSQL, Kafka and memcached of one region. */
  static List<Object> regional(PlatformTopology t, ServiceCatalog catalog, String region) {
    List<Object> docs = new ArrayList<>();
    List<ServiceDescriptor> postgresUsers =
        catalog.services().stream()
            .map(ServiceModule::descriptor)
            .filter(d -> d.needs(ServiceDescriptor.Stores.POSTGRES))
            .toList();
    if (!postgresUsers.isEmpty()) {
      docs.addAll(postgres(t, region, postgresUsers));
    }
    docs.addAll(kafka(t, region));
    if (catalog.storeKinds().contains(ServiceDescriptor.Stores.MEMCACHED)) {
      docs.addAll(memcached(t, region));
    }
    return docs;
  }

  private static Map<String, Object> labels(String name, String region) {
    return map(
        NAME,
        name,
        K8sNames.PART_OF,
        "squadron",
        K8sNames.COMPONENT,
        "store",
        K8sNames.MANAGED_BY,
        "squadron-manifests",
        K8sNames.REGION,
        region);
  }

  private static List<Object> postgres(
      PlatformTopology t, String region, List<ServiceDescriptor> users) {
    boolean primary = region.equals(t.primaryRegion());
    String primaryName = K8sNames.POSTGRES_CLUSTER + "-" + t.primaryRegion();
    List<Object> roles = new ArrayList<>();
    for (ServiceDescriptor d : users) {
      roles.add(
          map(
              "name",
              d.name(),
              "ensure",
              "present",
              "login",
              true,
              "passwordSecret",
              map("name", d.name() + "-postgres")));
    }
    Map<String, Object> spec =
        map(
            "instances", t.postgresInstances(),
            "imageName", "ghcr.io/cloudnative-pg/postgresql:17.5",
            "primaryUpdateStrategy", "unsupervised",
            "storage", map("size", "50Gi"),
            "resources",
                map("requests", map("cpu", "1", "memory", "2Gi"), "limits", map("memory", "2Gi")),
            "managed", map("roles", roles));
    if (!primary) {
      // Writes go to one site's primary; this region keeps a streaming replica cluster of it
      // (promoted on failover).
      spec.put("bootstrap", map("pg_basebackup", map("source", primaryName)));
      spec.put("replica", map("enabled", true, "source", primaryName));
      spec.put(
          "externalClusters",
          List.of(
              map(
                  "name",
                  primaryName,
                  "connectionParameters",
                  map(
                      "host",
                      K8sNames.POSTGRES_CLUSTER + "-rw." + t.namespace() + ".svc.clusterset.local",
                      "user",
                      "streaming_replica",
                      "dbname",
                      "postgres",
                      "sslmode",
                      "verify-full"),
                  "sslKey",
                  map("name", primaryName + "-replication", "key", "tls.key"),
                  "sslCert",
                  map("name", primaryName + "-replication", "key", "tls.crt"),
                  "sslRootCert",
                  map("name", primaryName + "-ca", "key", "ca.crt"))));
    }
    List<Object> docs = new ArrayList<>();
    docs.add(
        map(
            "apiVersion",
            "postgresql.cnpg.io/v1",
            "kind",
            "Cluster",
            "metadata",
            K8sNames.metadata(K8sNames.POSTGRES_CLUSTER, t, labels("postgres", region)),
            "spec",
            spec));
    if (primary) {
      for (ServiceDescriptor d : users) {
        docs.add(
            map(
                "apiVersion",
                "postgresql.cnpg.io/v1",
                "kind",
                "Database",
                "metadata",
                K8sNames.metadata(
                    K8sNames.POSTGRES_CLUSTER + "-" + d.name(), t, labels("postgres", region)),
                "spec",
                map(
                    "name",
                    database(d),
                    "owner",
                    d.name(),
                    "cluster",
                    map("name", K8sNames.POSTGRES_CLUSTER),
                    "ensure",
                    "present")));
      }
    }
    return docs;
  }

  private static List<Object> kafka(PlatformTopology t, String region) {
    Map<String, Object> poolLabels = labels("kafka", region);
    poolLabels.put("strimzi.io/cluster", K8sNames.KAFKA_CLUSTER);
    int replication = Math.min(3, t.kafkaBrokers());
    return List.of(
        map(
            "apiVersion",
            "kafka.strimzi.io/v1beta2",
            "kind",
            "KafkaNodePool",
            "metadata",
            K8sNames.metadata("dual-role", t, poolLabels),
            "spec",
            map(
                "replicas",
                t.kafkaBrokers(),
                "roles",
                List.of("controller", "broker"),
                "storage",
                map(
                    "type",
                    "jbod",
                    "volumes",
                    List.of(
                        map(
                            "id",
                            0,
                            "type",
                            "persistent-claim",
                            "size",
                            "100Gi",
                            "deleteClaim",
                            false,
                            "kraftMetadata",
                            "shared"))),
                "resources",
                map("requests", map("cpu", "1", "memory", "4Gi"), "limits", map("memory", "4Gi")))),
        map(
            "apiVersion",
            "kafka.strimzi.io/v1beta2",
            "kind",
            "Kafka",
            "metadata",
            map(
                "name",
                K8sNames.KAFKA_CLUSTER,
                "namespace",
                t.namespace(),
                "labels",
                labels("kafka", region),
                "annotations",
                map("strimzi.io/node-pools", "enabled", "strimzi.io/kraft", "enabled")),
            "spec",
            map(
                "kafka",
                    map(
                        "version",
                        "4.1.0",
                        "metadataVersion",
                        "4.1-IV1",
                        "listeners",
                        List.of(
                            map(
                                "name",
                                "tls",
                                "port",
                                KAFKA_PORT,
                                "type",
                                "internal",
                                "tls",
                                true,
                                "authentication",
                                map("type", "tls"))),
                        "config",
                        map(
                            "default.replication.factor", replication,
                            "min.insync.replicas", Math.max(1, replication - 1),
                            "offsets.topic.replication.factor", replication,
                            "transaction.state.log.replication.factor", replication,
                            "transaction.state.log.min.isr", Math.max(1, replication - 1))),
                "entityOperator", map("topicOperator", map(), "userOperator", map()))));
  }

  private static List<Object> memcached(PlatformTopology t, String region) {
    Map<String, Object> labels = labels(K8sNames.MEMCACHED, region);
    Map<String, Object> selector = map(NAME, K8sNames.MEMCACHED);
    Map<String, Object> probe =
        map(
            "tcpSocket",
            map("port", "memcached"),
            "periodSeconds",
            10,
            "timeoutSeconds",
            2,
            "failureThreshold",
            3);
    return List.of(
        map(
            "apiVersion",
            "v1",
            "kind",
            "Service",
            "metadata",
            K8sNames.metadata(K8sNames.MEMCACHED, t, labels),
            "spec",
            map(
                "clusterIP",
                "None",
                "selector",
                selector,
                "ports",
                List.of(
                    map(
                        "name",
                        "memcached",
                        "port",
                        MEMCACHED_PORT,
                        "targetPort",
                        "memcached",
                        "protocol",
                        "TCP")))),
        map(
            "apiVersion",
            "apps/v1",
            "kind",
            "StatefulSet",
            "metadata",
            K8sNames.metadata(K8sNames.MEMCACHED, t, labels),
            "spec",
            map(
                "serviceName", K8sNames.MEMCACHED,
                "replicas", t.memcachedInstances(),
                "podManagementPolicy", "Parallel",
                "selector", map("matchLabels", selector),
                "template",
                    map(
                        "metadata",
                        map("labels", labels),
                        "spec",
                        map(
                            "containers",
                            List.of(
                                map(
                                    "name",
                                    K8sNames.MEMCACHED,
                                    "image",
                                    "memcached:1.6",
                                    "args",
                                    List.of("-m", "1024", "-c", "4096", "-U", "0"),
                                    "ports",
                                    List.of(
                                        map(
                                            "name",
                                            "memcached",
                                            "containerPort",
                                            MEMCACHED_PORT,
                                            "protocol",
                                            "TCP")),
                                    "livenessProbe",
                                    probe,
                                    "readinessProbe",
                                    probe,
                                    "resources",
                                    map(
                                        "requests",
                                        map("cpu", "500m", "memory", "1200Mi"),
                                        "limits",
                                        map("memory", "1200Mi")),
                                    "securityContext",
                                    map(
                                        "runAsNonRoot",
                                        true,
                                        "runAsUser",
                                        11211,
                                        "allowPrivilegeEscalation",
                                        false,
                                        "readOnlyRootFilesystem",
                                        true,
                                        "capabilities",
                                        map("drop", List.of("ALL"))))))))),
        map(
            "apiVersion",
            "policy/v1",
            "kind",
            "PodDisruptionBudget",
            "metadata",
            K8sNames.metadata(K8sNames.MEMCACHED, t, labels),
            "spec",
            map("maxUnavailable", 1, "selector", map("matchLabels", selector))));
  }

  private static String q(String s) {
    return ConfigUtil.quoteString(s);
  }
}
