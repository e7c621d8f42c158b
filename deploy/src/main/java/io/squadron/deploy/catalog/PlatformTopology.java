package io.squadron.deploy.catalog;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where and how the platform runs, from {@value #FILE} (never from code): its regions in rollout
 * order, and its Kubernetes settings. The deployment groups are each service's own ({@code
 * deployment-groups} in its descriptor).
 *
 * @param regions the regions, in rollout order (the first takes canaries and holds PostgreSQL's
 *     primary)
 * @param namespace the Kubernetes namespace of the platform in every region
 * @param clusterDomain the cluster's DNS domain ({@code cluster.local})
 * @param imagePrefix what comes before {@code <service>:<tag>} in an image name
 * @param imageTag the version deployed (image tag and {@code squadron.io/version} label)
 * @param edgeGatewayNamespace the namespace of the gateway that forwards client apps' calls
 * @param monitoringNamespace the namespace of the Prometheus that scrapes the admin ports
 * @param cassandraNodes Cassandra nodes per region (one datacenter each)
 * @param postgresInstances PostgreSQL instances per region
 * @param memcachedInstances memcached servers per region
 * @param kafkaBrokers Kafka brokers per region
 */
public record PlatformTopology(
    List<String> regions,
    String namespace,
    String clusterDomain,
    String imagePrefix,
    String imageTag,
    String edgeGatewayNamespace,
    String monitoringNamespace,
    int cassandraNodes,
    int postgresInstances,
    int memcachedInstances,
    int kafkaBrokers) {

  /** The file, relative to the checkout. */
  public static final String FILE = "deploy/regions.conf";

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?");
  private static final Set<String> KEYS = Set.of("regions", "kubernetes", "stores");

  public PlatformTopology {
    regions = List.copyOf(regions);
    requireNonNull(namespace, "namespace");
    requireNonNull(clusterDomain, "clusterDomain");
    requireNonNull(imagePrefix, "imagePrefix");
    requireNonNull(imageTag, "imageTag");
    requireNonNull(edgeGatewayNamespace, "edgeGatewayNamespace");
    requireNonNull(monitoringNamespace, "monitoringNamespace");
  }

  /** The first region: canaries start there, PostgreSQL's primary runs there. */
  public String primaryRegion() {
    return regions.get(0);
  }

  /**
   * Reads {@value #FILE} of the checkout at {@code home}.
   *
   * @throws InvalidConfigException naming the file and the bad key
   */
  public static PlatformTopology read(Path home) {
    Path file = home.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      throw new InvalidConfigException(
          file.toString(), "missing (expected: the platform's regions)");
    }
    Config config;
    try {
      config =
          ConfigFactory.parseFile(
                  file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
              .resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException(file.toString(), e.getMessage());
    }
    try {
      return from(ConfigReader.at(config, "platform"));
    } catch (InvalidConfigException e) {
      throw new InvalidConfigException(
          file + ": " + e.key(), e.getMessage().substring(e.key().length() + 2));
    }
  }

  static PlatformTopology from(ConfigReader p) {
    for (String key : p.keys()) {
      if (!KEYS.contains(key)) {
        throw new InvalidConfigException(
            p.key(key), "unknown key (expected one of: " + new java.util.TreeSet<>(KEYS) + ")");
      }
    }
    List<String> regions = p.strings("regions");
    if (regions.isEmpty() || Set.copyOf(regions).size() != regions.size()) {
      throw new InvalidConfigException(
          p.key("regions"), regions + " (expected: distinct region names)");
    }
    for (String region : regions) {
      dnsLabel(p, "regions", region);
    }
    ConfigReader k = p.child("kubernetes");
    ConfigReader s = p.child("stores");
    return new PlatformTopology(
        regions,
        dnsLabel(k, "namespace", k.nonEmptyString("namespace")),
        k.nonEmptyString("cluster-domain"),
        k.string("image-prefix"),
        k.nonEmptyString("image-tag"),
        dnsLabel(k, "edge-gateway-namespace", k.nonEmptyString("edge-gateway-namespace")),
        dnsLabel(k, "monitoring-namespace", k.nonEmptyString("monitoring-namespace")),
        s.intInRange("cassandra-nodes-per-region", 1, 100),
        s.intInRange("postgres-instances-per-region", 1, 10),
        s.intInRange("memcached-instances-per-region", 1, 100),
        s.intInRange("kafka-brokers-per-region", 1, 100));
  }

  private static String dnsLabel(ConfigReader r, String key, String value) {
    if (!DNS_LABEL.matcher(value).matches()) {
      throw new InvalidConfigException(
          r.key(key),
          "'"
              + value
              + "' (expected: lower-case letters, digits and inner dashes, at most 32: it names Kubernetes objects)");
    }
    return value;
  }
}
