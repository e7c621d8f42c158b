package io.squadron.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.squadron.deploy.catalog.PlatformTopology;
import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed manifests under {@code deploy/k8s} are what {@code squadron manifests} generates,
 * every document parses strictly with fabric8's Kubernetes model, and the invariants hold for every
 * service of the checkout in every region of {@code deploy/regions.conf}.
 */
class ManifestsTest {
  private static final Path DEPLOY = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  private static final Path HOME = DEPLOY.getParent();
  private static final Set<String> CUSTOM_KINDS =
      Set.of(
          "cert-manager.io/v1 Certificate",
          "cert-manager.io/v1 ClusterIssuer",
          "postgresql.cnpg.io/v1 Cluster",
          "postgresql.cnpg.io/v1 Database",
          "kafka.strimzi.io/v1beta2 Kafka",
          "kafka.strimzi.io/v1beta2 KafkaNodePool",
          "k8ssandra.io/v1alpha1 K8ssandraCluster",
          "monitoring.coreos.com/v1 PodMonitor");

  private static ServiceCatalog catalog;
  private static PlatformTopology topology;
  private static Map<String, String> generated;
  private static final Map<String, List<HasMetadata>> parsed = new java.util.LinkedHashMap<>();

  @BeforeAll
  static void parseCommitted() throws Exception {
    catalog = ServiceCatalog.discover(HOME);
    topology = PlatformTopology.read(HOME);
    generated = K8sManifests.generate(catalog, topology);
    try (Stream<Path> files = Files.walk(DEPLOY.resolve("k8s"))) {
      for (Path file : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        parsed.put(
            DEPLOY.resolve("k8s").relativize(file).toString(),
            StrictKubernetes.parseAll(Files.readString(file, StandardCharsets.UTF_8)));
      }
    }
  }

  private static <T extends HasMetadata> List<T> all(String file, Class<T> type) {
    assertThat(parsed).as("deploy/k8s/%s", file).containsKey(file);
    return parsed.get(file).stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static <T extends HasMetadata> T one(String file, Class<T> type, String name) {
    List<T> found =
        all(file, type).stream().filter(r -> r.getMetadata().getName().equals(name)).toList();
    assertThat(found).as("%s %s in %s", type.getSimpleName(), name, file).hasSize(1);
    return found.get(0);
  }

  private static GenericKubernetesResource custom(String file, String kind, String name) {
    List<GenericKubernetesResource> found =
        all(file, GenericKubernetesResource.class).stream()
            .filter(r -> r.getKind().equals(kind) && r.getMetadata().getName().equals(name))
            .toList();
    assertThat(found).as("%s %s in %s", kind, name, file).hasSize(1);
    return found.get(0);
  }

  @Test
  void committedManifests_matchTheGenerator_runSquadronManifestsWhenThisFails() throws Exception {
    assertThat(parsed.keySet())
        .as("no stale manifests (run ./squadron manifests)")
        .containsExactlyInAnyOrderElementsOf(generated.keySet());
    for (Map.Entry<String, String> file : generated.entrySet()) {
      assertThat(
              Files.readString(
                  DEPLOY.resolve("k8s").resolve(file.getKey()), StandardCharsets.UTF_8))
          .as("deploy/k8s/%s is stale: run ./squadron manifests", file.getKey())
          .isEqualTo(file.getValue());
    }
  }

  @Test
  void everyDocument_parsesStrictly_customResourcesOfKnownOperators() {
    assertThat(parsed).isNotEmpty();
    parsed.forEach(
        (file, resources) -> {
          assertThat(resources).as(file).isNotEmpty();
          for (HasMetadata r : resources) {
            assertThat(r.getMetadata().getName())
                .as("%s: a %s without a name", file, r.getKind())
                .isNotBlank();
            if (r instanceof GenericKubernetesResource) {
              assertThat(r.getApiVersion() + " " + r.getKind()).as(file).isIn(CUSTOM_KINDS);
            }
          }
        });
  }

  @Test
  void strictParser_refusesAFieldTheModelDoesNotKnow_andAWrongType() {
    String deployment =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  replicas: 1\n"
            + "  template:\n    spec:\n      containers:\n        - name: x\n          image: x\n";
    assertThatThrownBy(
            () ->
                StrictKubernetes.parseAll(
                    deployment.replace("image: x", "image: x\n          imag: y")))
        .hasMessageContaining("imag");
    assertThatThrownBy(
            () -> StrictKubernetes.parseAll(deployment.replace("replicas: 1", "replicas: [1]")))
        .isInstanceOf(Exception.class);
  }

  @Test
  void everyRegion_runsEveryGroupOfEveryService_withProbesResourcesAndCertificates() {
    for (String region : topology.regions()) {
      for (ServiceModule service : catalog.services()) {
        ServiceDescriptor d = service.descriptor();
        String file = region + "/" + d.name() + ".yaml";
        assertThat(d.deploymentGroups()).hasSizeGreaterThanOrEqualTo(2);
        List<Deployment> deployments = all(file, Deployment.class);
        assertThat(deployments)
            .extracting(x -> x.getMetadata().getLabels().get(K8sNames.GROUP))
            .as("%s: one Deployment per deployment group", file)
            .containsExactlyElementsOf(d.deploymentGroups());
        for (Deployment deployment : deployments) {
          String group = deployment.getMetadata().getLabels().get(K8sNames.GROUP);
          assertThat(deployment.getMetadata().getLabels()).containsEntry(K8sNames.REGION, region);
          assertThat(deployment.getSpec().getReplicas()).isEqualTo(d.scaling().minInstances());
          Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
          assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
              .containsAllEntriesOf(selector);
          for (Container c : deployment.getSpec().getTemplate().getSpec().getContainers()) {
            assertProbe(c.getLivenessProbe(), "/healthz", file);
            assertProbe(c.getReadinessProbe(), "/readyz", file);
            assertThat(c.getResources().getRequests())
                .containsEntry("cpu", new Quantity(d.resources().cpu()))
                .containsEntry("memory", new Quantity(d.resources().memory()));
            assertThat(c.getResources().getLimits())
                .containsEntry("memory", new Quantity(d.resources().memory()));
            assertThat(c.getVolumeMounts())
                .anyMatch(m -> m.getMountPath().equals(K8sNames.TLS_DIR));
            assertThat(c.getEnv())
                .extracting(EnvVar::getName)
                .containsAll(
                    d.secrets().stream()
                        .map(s -> ServiceManifests.envName(s.configKey()))
                        .toList());
          }
          assertThat(deployment.getSpec().getTemplate().getSpec().getVolumes())
              .anyMatch(
                  v ->
                      v.getSecret() != null
                          && v.getSecret().getSecretName().equals(d.name() + "-tls"));
          Service headless =
              one(file, Service.class, K8sNames.groupService(d.name(), region, group));
          assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
          assertThat(headless.getSpec().getSelector()).isEqualTo(selector);
          PodDisruptionBudget pdb =
              one(file, PodDisruptionBudget.class, deployment.getMetadata().getName());
          assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);
          HorizontalPodAutoscaler hpa =
              one(file, HorizontalPodAutoscaler.class, deployment.getMetadata().getName());
          assertThat(hpa.getSpec().getScaleTargetRef().getName())
              .isEqualTo(deployment.getMetadata().getName());
          assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(d.scaling().minInstances());
          assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(d.scaling().maxInstances());
          assertThat(
                  hpa.getSpec()
                      .getMetrics()
                      .get(0)
                      .getResource()
                      .getTarget()
                      .getAverageUtilization())
              .isEqualTo(d.scaling().targetCpuUtilization());
          assertClientsResolveInRegion(
              file, region, one(file, ConfigMap.class, deployment.getMetadata().getName()), d);
        }
        GenericKubernetesResource certificate = custom(file, "Certificate", d.name());
        @SuppressWarnings("unchecked")
        Map<String, Object> spec =
            (Map<String, Object>) certificate.getAdditionalProperties().get("spec");
        assertThat(spec)
            .containsEntry("secretName", d.name() + "-tls")
            .containsEntry("uris", List.of("spiffe://squadron/" + d.name()));
        // Scraped with the labels the rules and dashboards select on.
        assertThat(
                custom(file, "PodMonitor", d.name())
                    .getAdditionalProperties()
                    .get("spec")
                    .toString())
            .contains(
                "targetLabel=service",
                "targetLabel=region",
                "targetLabel=group",
                "targetLabel=grpc_service");
      }
    }
  }

  private static void assertProbe(Probe probe, String path, String file) {
    assertThat(probe).as("%s: probe on %s", file, path).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("admin");
  }

  /**
   * Every client target names a headless Service of the same region that selects the callee's pods.
   */
  private static void assertClientsResolveInRegion(
      String file, String region, ConfigMap config, ServiceDescriptor d) {
    String conf = config.getData().get("application.conf");
    for (String callee : d.calls()) {
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "squadron\\.clients\\." + callee + "\\.target = \"dns:///([a-z0-9-]+)\\.")
              .matcher(conf);
      assertThat(m.find()).as("%s: a dns:/// target for %s in\n%s", file, callee, conf).isTrue();
      Service target = one(region + "/" + callee + ".yaml", Service.class, m.group(1));
      assertThat(target.getSpec().getClusterIP()).isEqualTo("None");
      assertThat(target.getSpec().getSelector()).containsEntry(K8sNames.NAME, callee);
    }
  }

  @Test
  void networkPolicy_admitsExactlyTheCallersThePermissionsName() {
    Set<String> everyName = new TreeSet<>(catalog.names());
    catalog
        .services()
        .forEach(s -> everyName.addAll(ServiceManifests.serviceCallers(s.descriptor())));
    for (String region : topology.regions()) {
      for (ServiceModule service : catalog.services()) {
        ServiceDescriptor d = service.descriptor();
        String file = region + "/" + d.name() + ".yaml";
        NetworkPolicy policy = one(file, NetworkPolicy.class, d.name());
        assertThat(policy.getSpec().getPodSelector().getMatchLabels())
            .containsEntry(K8sNames.NAME, d.name());
        Set<String> admitted = new TreeSet<>();
        boolean fromEdge = false;
        boolean fromAnyService = false;
        for (NetworkPolicyIngressRule rule : policy.getSpec().getIngress()) {
          boolean grpc =
              rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == K8sNames.GRPC_PORT);
          for (NetworkPolicyPeer peer : rule.getFrom()) {
            if (peer.getPodSelector() != null) {
              assertThat(grpc).isTrue();
              Map<String, String> selector = peer.getPodSelector().getMatchLabels();
              if (selector.containsKey(K8sNames.NAME)) {
                admitted.add(selector.get(K8sNames.NAME));
              } else {
                assertThat(selector)
                    .as("%s: a pod selector names a service or is every service's", file)
                    .isEqualTo(ServiceManifests.anyServicePod());
                fromAnyService = true;
              }
            } else if (grpc) {
              assertThat(peer.getNamespaceSelector().getMatchLabels())
                  .containsEntry("kubernetes.io/metadata.name", topology.edgeGatewayNamespace());
              fromEdge = true;
            }
          }
        }
        Set<String> allowed = ServiceManifests.serviceCallers(d);
        assertThat(admitted)
            .as("%s: gRPC ingress from exactly the services its permissions allow", file)
            .isEqualTo(allowed);
        for (String other : everyName) {
          if (!allowed.contains(other)) {
            assertThat(admitted)
                .as("%s: %s is not allowed, so it has no ingress", file, other)
                .doesNotContain(other);
          }
        }
        assertThat(fromAnyService)
            .as("%s: every service's pods only when service:* is granted", file)
            .isEqualTo(ServiceManifests.allowsAnyService(d));
        assertThat(fromEdge)
            .as("%s: the edge gateway only when apps may call", file)
            .isEqualTo(ServiceManifests.hasAppCallers(d));
        Set<String> egressTo = new TreeSet<>();
        policy
            .getSpec()
            .getEgress()
            .forEach(
                e ->
                    e.getTo().stream()
                        .map(NetworkPolicyPeer::getPodSelector)
                        .filter(Objects::nonNull)
                        .map(s -> s.getMatchLabels().get(K8sNames.NAME))
                        .filter(Objects::nonNull)
                        .forEach(egressTo::add));
        assertThat(egressTo).as("%s: egress to the services it calls", file).containsAll(d.calls());
      }
    }
  }

  @Test
  void
      stores_cassandraOneDatacenterPerRegion_postgresPrimaryAndReplicas_kafkaKraft_memcachedStatefulSet() {
    GenericKubernetesResource cassandra =
        custom("global/cassandra.yaml", "K8ssandraCluster", K8sNames.CASSANDRA_CLUSTER);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> dcs =
        (List<Map<String, Object>>)
            ((Map<String, Object>)
                    ((Map<String, Object>) cassandra.getAdditionalProperties().get("spec"))
                        .get("cassandra"))
                .get("datacenters");
    List<String> dcNames = new ArrayList<>();
    dcs.forEach(dc -> dcNames.add((String) ((Map<?, ?>) dc.get("metadata")).get("name")));
    assertThat(dcNames).containsExactlyElementsOf(topology.regions());
    for (String region : topology.regions()) {
      String file = region + "/stores.yaml";
      GenericKubernetesResource postgres = custom(file, "Cluster", K8sNames.POSTGRES_CLUSTER);
      Map<?, ?> spec = (Map<?, ?>) postgres.getAdditionalProperties().get("spec");
      assertThat(spec.containsKey("replica"))
          .as("%s: replica cluster unless primary", file)
          .isEqualTo(!region.equals(topology.primaryRegion()));
      GenericKubernetesResource kafka = custom(file, "Kafka", K8sNames.KAFKA_CLUSTER);
      assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/kraft", "enabled");
      assertThat(all(file, StatefulSet.class))
          .extracting(s -> s.getMetadata().getName())
          .contains(K8sNames.MEMCACHED);
      for (ServiceModule s : catalog.services()) {
        String conf =
            all(region + "/" + s.name() + ".yaml", ConfigMap.class)
                .get(0)
                .getData()
                .get("application.conf");
        if (s.descriptor().needs(ServiceDescriptor.Stores.CASSANDRA)) {
          assertThat(conf).contains("/" + region + "\"").contains("NetworkTopologyStrategy");
          topology.regions().forEach(r -> assertThat(conf).contains(r + " = "));
        }
      }
    }
  }

  @Test
  void everyStoreKind_aDescriptorCanName_hasAnEgressRule() {
    for (String kind : ServiceDescriptor.Stores.KINDS) {
      assertThat(StoreManifests.egressTo(kind).toString()).as(kind).contains("port=");
    }
    assertThat(StoreManifests.egressTo(ServiceDescriptor.Stores.KAFKA).toString())
        .contains(
            "strimzi.io/cluster=" + K8sNames.KAFKA_CLUSTER, "port=" + StoreManifests.KAFKA_PORT);
  }
}
