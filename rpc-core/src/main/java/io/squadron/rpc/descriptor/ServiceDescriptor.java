package io.squadron.rpc.descriptor;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.internal.permissions.PermissionPolicy;
import io.squadron.rpc.security.SpiffeId;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a service declares about itself in {@value #FILE} at the root of its module's resources: its
 * name and main class, the gRPC services it serves, the stores it needs, the services it calls, who
 * may call which method, the Padlock categories it encrypts with, its demo, its resources and
 * scaling bounds, and its deployment groups.
 *
 * <p>One file is the source for everything that would otherwise be repeated per tool: the service
 * reads its identity and the base of its permission policy from it, and {@code squadron up}, the
 * tests' {@code ServiceExtension}, the Kubernetes manifests, the dashboards and the new-service
 * scaffold read it instead of naming services in code. Every key is under {@code service}; unknown
 * keys are refused so a typo is never silently ignored.
 *
 * @param name the service name: its identity ({@code spiffe://squadron/<name>}), config and client
 *     name
 * @param description one line for humans
 * @param mainClass the class with {@code main(String[])} and {@code start(Config)}
 * @param grpcServices the full names of the gRPC services it serves
 * @param stores the kinds of store it needs ({@link Stores}); tools create one database, keyspace
 *     or prefix per service and fill the standard {@code squadron.stores.<kind>} keys
 * @param calls the services it calls (its clients; start order and network policy follow from them)
 * @param permissions who may call what: a service ({@code package.Service}) or a method ({@code
 *     package.Service/Method}) to the callers allowed (service names, {@code app:<name>}, {@code
 *     app:*}, {@code service:*}); {@code app:*} only per method, never for a whole service
 * @param padlockCategories the Padlock key categories it encrypts personal data with
 * @param demo a class with {@code main(String[])} that calls the running service and exits 0 when
 *     it behaved
 * @param resources heap and container resources of one instance
 * @param scaling how many instances, and when to add more
 * @param deploymentGroups the groups every region runs, rolled out one after the other
 * @param secrets config keys that hold secrets, and how a local run generates them
 * @param storeMigration the live store migration it runs, if any
 * @param httpJson present when it also serves HTTP/JSON for browsers (its methods' {@code
 *     google.api.http} bindings, optionally static files such as its web client)
 * @param slo its service level objectives (availability and latency), which its burn-rate alerts
 *     and dashboards are generated from
 */
public record ServiceDescriptor(
    String name,
    String description,
    String mainClass,
    List<String> grpcServices,
    List<String> stores,
    List<String> calls,
    Map<String, List<String>> permissions,
    List<String> padlockCategories,
    Optional<String> demo,
    Resources resources,
    Scaling scaling,
    List<String> deploymentGroups,
    List<Secret> secrets,
    Optional<StoreMigration> storeMigration,
    Optional<HttpJson> httpJson,
    Slo slo) {

  /** The descriptor's file name, at the root of a service module's resources. */
  public static final String FILE = "squadron-service.conf";

  private static final Pattern JAVA_CLASS = Pattern.compile("([a-zA-Z_$][\\w$]*\\.)*[A-Z][\\w$]*");
  private static final Pattern GRPC_SERVICE = Pattern.compile("([a-z_][a-z0-9_]*\\.)+[A-Z]\\w*");
  private static final Pattern GROUP = Pattern.compile("[a-z0-9]{1,8}");
  private static final Set<String> KEYS =
      Set.of(
          "name",
          "description",
          "main-class",
          "grpc-services",
          "stores",
          "calls",
          "permissions",
          "padlock-categories",
          "demo",
          "resources",
          "scaling",
          "deployment-groups",
          "secrets",
          "store-migration",
          "http-json",
          "slo");

  public ServiceDescriptor {
    SpiffeId.requireValidServiceName(name);
    requireNonNull(description, "description");
    requireNonNull(mainClass, "mainClass");
    grpcServices = List.copyOf(grpcServices);
    stores = List.copyOf(stores);
    calls = List.copyOf(calls);
    permissions = copyPermissions(permissions);
    padlockCategories = List.copyOf(padlockCategories);
    requireNonNull(demo, "demo");
    requireNonNull(resources, "resources");
    requireNonNull(scaling, "scaling");
    deploymentGroups = List.copyOf(deploymentGroups);
    secrets = List.copyOf(secrets);
    requireNonNull(storeMigration, "storeMigration");
    requireNonNull(httpJson, "httpJson");
    requireNonNull(slo, "slo");
  }

  private static Map<String, List<String>> copyPermissions(Map<String, List<String>> permissions) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    permissions.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return java.util.Collections.unmodifiableMap(copy);
  }

  /**
   * Parses a descriptor file.
   *
   * @throws InvalidConfigException naming the file and the bad key
   */
  public static ServiceDescriptor load(URL file) {
    requireNonNull(file, "file");
    Config parsed;
    try {
      parsed =
          ConfigFactory.parseURL(file, ConfigParseOptions.defaults().setAllowMissing(false))
              .resolve();
    } catch (ConfigException e) {
      throw new InvalidConfigException(file.toString(), e.getMessage());
    }
    try {
      return fromConfig(parsed);
    } catch (InvalidConfigException e) {
      throw new InvalidConfigException(
          file + ": " + e.key(), e.getMessage().substring(e.key().length() + 2));
    }
  }

  /**
   * Reads the {@code service} object of {@code root} (a parsed descriptor, or a service's whole
   * config, where it sits at {@code squadron.service}: pass {@code config.getConfig("squadron")}).
   */
  public static ServiceDescriptor fromConfig(Config root) {
    ConfigReader s = ConfigReader.at(root, "service");
    for (String key : s.keys()) {
      if (!KEYS.contains(key)) {
        throw new InvalidConfigException(
            s.key(key), "unknown key (expected one of: " + new java.util.TreeSet<>(KEYS) + ")");
      }
    }
    String name = s.nonEmptyString("name");
    if (!SpiffeId.isValidServiceName(name)) {
      throw new InvalidConfigException(
          s.key("name"),
          "'" + name + "' (expected: lower-case letters, digits and inner dashes, at most 63)");
    }
    String mainClass = s.nonEmptyString("main-class");
    requireMatch(s, "main-class", mainClass, JAVA_CLASS, "a fully qualified class name");
    List<String> grpcServices = s.strings("grpc-services");
    if (grpcServices.isEmpty()) {
      throw new InvalidConfigException(
          s.key("grpc-services"), "empty (expected: the gRPC services it serves)");
    }
    grpcServices.forEach(
        g -> requireMatch(s, "grpc-services", g, GRPC_SERVICE, "a full gRPC service name"));
    List<String> stores = s.has("stores") ? s.strings("stores") : List.of();
    stores.forEach(
        k -> {
          if (!Stores.KINDS.contains(k)) {
            throw new InvalidConfigException(
                s.key("stores"), "'" + k + "' (expected one of: " + Stores.KINDS + ")");
          }
        });
    List<String> calls = s.has("calls") ? s.strings("calls") : List.of();
    calls.forEach(
        c -> {
          if (!SpiffeId.isValidServiceName(c) || c.equals(name)) {
            throw new InvalidConfigException(
                s.key("calls"), "'" + c + "' (expected: names of other services)");
          }
        });
    Map<String, List<String>> permissions = permissions(s, grpcServices);
    List<String> categories =
        s.has("padlock-categories") ? s.strings("padlock-categories") : List.of();
    Optional<String> demo = s.optionalString("demo");
    demo.ifPresent(d -> requireMatch(s, "demo", d, JAVA_CLASS, "a fully qualified class name"));
    List<String> groups =
        s.has("deployment-groups") ? s.strings("deployment-groups") : List.of("a", "b");
    if (groups.isEmpty() || groups.size() != Set.copyOf(groups).size()) {
      throw new InvalidConfigException(
          s.key("deployment-groups"), groups + " (expected: distinct group names)");
    }
    groups.forEach(
        g -> requireMatch(s, "deployment-groups", g, GROUP, "1-8 lower-case letters or digits"));
    return new ServiceDescriptor(
        name,
        s.has("description") ? s.string("description") : "",
        mainClass,
        grpcServices,
        stores,
        calls,
        permissions,
        categories,
        demo,
        s.has("resources") ? Resources.from(s.child("resources")) : Resources.DEFAULT,
        s.has("scaling") ? Scaling.from(s.child("scaling")) : Scaling.DEFAULT,
        groups,
        secrets(s),
        s.has("store-migration")
            ? Optional.of(StoreMigration.from(s.child("store-migration"), stores))
            : Optional.empty(),
        s.has("http-json") ? Optional.of(HttpJson.from(s.child("http-json"))) : Optional.empty(),
        s.has("slo") ? Slo.from(s.child("slo")) : Slo.DEFAULT);
  }

  private static Map<String, List<String>> permissions(ConfigReader s, List<String> grpcServices) {
    Map<String, List<String>> permissions = new LinkedHashMap<>();
    if (!s.has("permissions")) {
      return permissions;
    }
    ConfigReader p = s.child("permissions");
    for (String target : p.keys()) {
      String service = target.contains("/") ? target.substring(0, target.indexOf('/')) : target;
      if (!grpcServices.contains(service)) {
        throw new InvalidConfigException(
            p.key(target),
            "names "
                + service
                + ", which this service does not serve "
                + "(expected one of: "
                + grpcServices
                + ")");
      }
      List<String> callers = p.strings(com.typesafe.config.ConfigUtil.joinPath(target));
      for (String caller : callers) {
        if (!caller.equals("app:*")
            && !caller.equals("service:*")
            && !SpiffeId.isValidCaller(caller)) {
          throw new InvalidConfigException(
              p.key(target),
              "caller '" + caller + "' (expected: a service name, app:<name>, app:* or service:*)");
        }
        String serviceWide = PermissionPolicy.anyAppServiceWideProblem(target, caller);
        if (serviceWide != null) {
          throw new InvalidConfigException(p.key(target), serviceWide);
        }
      }
      permissions.put(target, callers);
    }
    return permissions;
  }

  private static List<Secret> secrets(ConfigReader s) {
    if (!s.has("secrets")) {
      return List.of();
    }
    List<Secret> secrets = new ArrayList<>();
    ConfigReader list = s.child("secrets");
    for (String key : list.keys()) {
      secrets.add(Secret.from(key, list.childKey(key)));
    }
    return secrets;
  }

  private static void requireMatch(
      ConfigReader s, String key, String value, Pattern pattern, String expected) {
    if (!pattern.matcher(value).matches()) {
      throw new InvalidConfigException(s.key(key), "'" + value + "' (expected: " + expected + ")");
    }
  }

  /** Whether the service needs a store of {@code kind}. */
  public boolean needs(String kind) {
    return stores.contains(kind);
  }

  /** The store kinds a descriptor may name, and the config keys tools fill for each. */
  public static final class Stores {
    /** PostgreSQL: a database of the service's own; fills {@code squadron.stores.postgres.url}. */
    public static final String POSTGRES = "postgres";

    /**
     * Cassandra: a keyspace of the service's own; fills {@code squadron.stores.cassandra.endpoint}
     * and {@code .keyspace}.
     */
    public static final String CASSANDRA = "cassandra";

    /**
     * memcached: a key prefix of the service's own; fills {@code
     * squadron.stores.memcached.addresses} and {@code .key-prefix}.
     */
    public static final String MEMCACHED = "memcached";

    /**
     * Kafka, for the events library (outbox relay, consumers): fills {@code
     * squadron.stores.kafka.bootstrap-servers} and {@code .topic-prefix} (empty on the local
     * platform; one per test class on a test broker, which the service puts before every topic and
     * consumer group name it uses).
     */
    public static final String KAFKA = "kafka";

    /**
     * The payment provider simulator (an external system the service talks to, not a store of its
     * own; local runs and tests only): fills {@code squadron.providers.base-url} (provider {@code
     * p} at {@code base-url/p}), {@code squadron.providers.control-url} (the simulator's control
     * API) and {@code squadron.providers.credentials} (its merchant dashboard as it answers: per
     * provider {@code base_url}, {@code api_key}, {@code webhook_secrets}).
     */
    public static final String PROVIDERS_SIM = "providers-sim";

    /** Every kind. */
    public static final List<String> KINDS =
        List.of(POSTGRES, CASSANDRA, MEMCACHED, KAFKA, PROVIDERS_SIM);

    private Stores() {}
  }

  /**
   * Resources of one instance.
   *
   * @param heap the JVM's maximum heap, e.g. {@code 256m}
   * @param cpu the container's CPU request, e.g. {@code 500m}
   * @param memory the container's memory request and limit, e.g. {@code 512Mi}
   */
  public record Resources(String heap, String cpu, String memory) {
    /** 256 MiB of heap in a 512 MiB container with half a core. */
    public static final Resources DEFAULT = new Resources("256m", "500m", "512Mi");

    private static final Pattern HEAP = Pattern.compile("[1-9][0-9]*[mg]");
    private static final Pattern CPU = Pattern.compile("[1-9][0-9]*m?");
    private static final Pattern MEMORY = Pattern.compile("[1-9][0-9]*(Mi|Gi)");

    public Resources {
      requireNonNull(heap, "heap");
      requireNonNull(cpu, "cpu");
      requireNonNull(memory, "memory");
    }

    static Resources from(ConfigReader r) {
      String heap = r.has("heap") ? r.string("heap") : DEFAULT.heap;
      String cpu = r.has("cpu") ? r.string("cpu") : DEFAULT.cpu;
      String memory = r.has("memory") ? r.string("memory") : DEFAULT.memory;
      requireMatch(r, "heap", heap, HEAP, "a JVM size such as 256m");
      requireMatch(r, "cpu", cpu, CPU, "a Kubernetes CPU quantity such as 500m or 2");
      requireMatch(r, "memory", memory, MEMORY, "a Kubernetes memory quantity such as 512Mi");
      return new Resources(heap, cpu, memory);
    }
  }

  /**
   * How many instances run per region and deployment group, and when more are added.
   *
   * @param minInstances at least this many (>= 1)
   * @param maxInstances at most this many
   * @param targetCpuUtilization the average CPU utilization (percent of the request) scaling aims
   *     at
   */
  public record Scaling(int minInstances, int maxInstances, int targetCpuUtilization) {
    /** One to four instances, aiming at 70% CPU. */
    public static final Scaling DEFAULT = new Scaling(1, 4, 70);

    public Scaling {
      if (minInstances < 1 || maxInstances < minInstances) {
        throw new IllegalArgumentException(
            "instances: " + minInstances + ".." + maxInstances + " (expected: 1 <= min <= max)");
      }
      if (targetCpuUtilization < 10 || targetCpuUtilization > 95) {
        throw new IllegalArgumentException(
            "targetCpuUtilization: " + targetCpuUtilization + " (expected: 10..95)");
      }
    }

    static Scaling from(ConfigReader r) {
      int min =
          r.has("min-instances") ? r.intInRange("min-instances", 1, 1000) : DEFAULT.minInstances;
      int max =
          r.has("max-instances")
              ? r.intInRange("max-instances", min, 1000)
              : Math.max(min, DEFAULT.maxInstances);
      int cpu =
          r.has("target-cpu-utilization")
              ? r.intInRange("target-cpu-utilization", 10, 95)
              : DEFAULT.targetCpuUtilization;
      return new Scaling(min, max, cpu);
    }
  }

  /**
   * A config key holding a secret. Production takes it from a secret store (a Kubernetes Secret); a
   * local run and the tests generate a fresh value.
   *
   * @param configKey the key, e.g. {@code squadron.padlock.master-keys.keys.1}
   * @param randomBytes how many random bytes a local run generates (written Base64)
   */
  public record Secret(String configKey, int randomBytes) {
    public Secret {
      requireNonNull(configKey, "configKey");
      if (randomBytes < 16 || randomBytes > 1024) {
        throw new IllegalArgumentException("randomBytes: " + randomBytes + " (expected: 16..1024)");
      }
    }

    static Secret from(String key, ConfigReader r) {
      return new Secret(key, r.intInRange("random-bytes", 16, 1024));
    }
  }

  /**
   * A live migration between two of the service's stores ({@code store-migration} module), moved
   * phase by phase by {@code squadron migrate}.
   *
   * @param name the migration's name in the control record
   * @param source the store kind it moves from
   * @param target the store kind it moves to
   */
  public record StoreMigration(String name, String source, String target) {
    public StoreMigration {
      requireNonNull(name, "name");
      requireNonNull(source, "source");
      requireNonNull(target, "target");
    }

    static StoreMigration from(ConfigReader r, List<String> stores) {
      StoreMigration m =
          new StoreMigration(
              r.nonEmptyString("name"), r.nonEmptyString("source"), r.nonEmptyString("target"));
      for (String side : List.of("source", "target")) {
        String kind = side.equals("source") ? m.source : m.target;
        if (!stores.contains(kind)) {
          throw new InvalidConfigException(
              r.key(side), "'" + kind + "' is not one of the service's stores " + stores);
        }
      }
      return m;
    }
  }

  /**
   * The service serves HTTP/JSON beside gRPC (rpc-core's {@code squadron.http}: port, CORS,
   * limits): every {@code google.api.http} binding of its unary methods, through the same chain as
   * gRPC calls.
   *
   * <pre>
   * http-json {
   *   static-resources = "web"   # optional: the files under web/ in the module's resources, served under /
   * }
   * </pre>
   *
   * @param staticResources a directory of the service module's resources served as static files
   *     (its web client)
   */
  public record HttpJson(Optional<String> staticResources) {
    private static final Set<String> KEYS = Set.of("static-resources");
    private static final Pattern RESOURCE_DIR = Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*");

    public HttpJson {
      requireNonNull(staticResources, "staticResources");
    }

    static HttpJson from(ConfigReader r) {
      for (String key : r.keys()) {
        if (!KEYS.contains(key)) {
          throw new InvalidConfigException(
              r.key(key), "unknown key (expected one of: " + KEYS + ")");
        }
      }
      Optional<String> dir = r.optionalString("static-resources");
      dir.ifPresent(
          d ->
              requireMatch(
                  r,
                  "static-resources",
                  d,
                  RESOURCE_DIR,
                  "a directory of the module's resources, such as web or web/checkout"));
      return new HttpJson(dir);
    }
  }

  /**
   * What the service promises its callers, as the SRE workbook's error budgets: over 30 days, at
   * most {@code 100 - availability} percent of calls may fail with a server error, and at most
   * {@code 100 - latencyTarget} percent of successful calls may be slower than {@code
   * latencyThreshold}. The platform's burn-rate alerts page when the budget burns 14.4 times too
   * fast over 1 h (and 5 min) or 6 times over 6 h (and 30 min), and open a ticket at 1 time over 3
   * days (and 6 h).
   *
   * <p>Both objectives are at least 95%: with a budget above 1/14.4 of all calls the fast-burn page
   * could never fire.
   *
   * @param availability percent of calls without a server error (UNKNOWN, INTERNAL, UNAVAILABLE,
   *     DATA_LOSS, DEADLINE_EXCEEDED, UNIMPLEMENTED), in 95..99.999
   * @param latencyThreshold a successful call slower than this counts against the latency objective
   * @param latencyTarget percent of successful calls faster than {@code latencyThreshold}, in
   *     95..99.999
   */
  public record Slo(double availability, Duration latencyThreshold, double latencyTarget) {
    /** 99.9% available; 99% of successful calls under 250 ms. */
    public static final Slo DEFAULT = new Slo(99.9, Duration.ofMillis(250), 99.0);

    public Slo {
      if (!(availability >= 95 && availability <= 99.999)) {
        throw new IllegalArgumentException(
            "availability: " + availability + " (expected: 95..99.999)");
      }
      requireNonNull(latencyThreshold, "latencyThreshold");
      if (latencyThreshold.toNanos() < 100_000
          || latencyThreshold.compareTo(Duration.ofSeconds(30)) > 0) {
        throw new IllegalArgumentException(
            "latencyThreshold: " + latencyThreshold + " (expected: 100us..30s)");
      }
      if (!(latencyTarget >= 95 && latencyTarget <= 99.999)) {
        throw new IllegalArgumentException(
            "latencyTarget: " + latencyTarget + " (expected: 95..99.999)");
      }
    }

    /** The error budget of availability, as a ratio (0.001 for 99.9%). */
    public double errorBudget() {
      return budget(availability);
    }

    /** The error budget of latency, as a ratio (0.01 for 99%). */
    public double latencyBudget() {
      return budget(latencyTarget);
    }

    /** In decimal, so that 99.95 gives 0.0005 and not 0.0004999999999999716. */
    private static double budget(double percent) {
      return java.math.BigDecimal.valueOf(100)
          .subtract(java.math.BigDecimal.valueOf(percent))
          .movePointLeft(2)
          .doubleValue();
    }

    static Slo from(ConfigReader r) {
      for (String key : r.keys()) {
        if (!Set.of("availability", "latency-threshold", "latency-target").contains(key)) {
          throw new InvalidConfigException(
              r.key(key),
              "unknown key (expected one of: [availability, "
                  + "latency-target, latency-threshold])");
        }
      }
      double availability =
          r.has("availability")
              ? r.doubleInRange("availability", 95, 99.999)
              : DEFAULT.availability;
      Duration threshold =
          r.has("latency-threshold")
              ? r.positiveDuration("latency-threshold")
              : DEFAULT.latencyThreshold;
      if (threshold.toNanos() < 100_000 || threshold.compareTo(Duration.ofSeconds(30)) > 0) {
        throw new InvalidConfigException(
            r.key("latency-threshold"),
            threshold.toMillis()
                + "ms (expected: 100us..30s, the range of the call duration histogram)");
      }
      double target =
          r.has("latency-target")
              ? r.doubleInRange("latency-target", 95, 99.999)
              : DEFAULT.latencyTarget;
      return new Slo(availability, threshold, target);
    }
  }
}
