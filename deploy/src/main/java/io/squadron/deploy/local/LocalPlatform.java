package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.catalog.ServiceCatalog;
import io.squadron.deploy.catalog.ServiceModule;
import io.squadron.infra.InfraStartException;
import io.squadron.infra.LocalServer;
import io.squadron.infra.certs.DevCerts;
import io.squadron.rpc.platform.Platform;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The whole platform on this machine: every service the checkout's descriptors declare (or the ones
 * asked for, with the services they call), each as a fleet of instances in slots ({@link
 * FleetShape}: regions x deployment groups x instances), each instance its own process with mutual
 * TLS, after the stores they need (real PostgreSQL, Cassandra, memcached, unless {@code SQUADRON_*}
 * name running ones). Writes the desired state ({@link DesiredStateFile}), starts every slot, and
 * keeps them matching it with a {@link Supervisor} (restarts with backoff, replaces releases, adds
 * and removes slots), recording what runs in the {@link RunState}; runs each service's demo, and
 * stops everything in reverse.
 */
public final class LocalPlatform implements AutoCloseable {
  /** The identity of the operator's tools ({@code up}'s demo calls, {@code squadron call}). */
  public static final String OPERATOR_IDENTITY = "squadron-cli";

  /** The client app {@code up} configures on every service, so an app's path can be tried. */
  public static final String DEMO_APP = "demo";

  private final Workspace workspace;
  private final PrintStream out;
  private final Map<String, String> environment;
  private final ServiceCatalog catalog;
  private final List<ServiceModule> services;
  private final FleetShape shape;
  private final String demoAppToken;
  private final DesiredStateFile desiredFile;
  private LocalStores stores;
  private LocalPrometheus prometheus;
  private ServiceConfigs configs;
  private Supervisor supervisor;

  /**
   * A platform of one instance of every service in {@code workspace}, taking external stores from
   * {@code environment}.
   */
  public LocalPlatform(Workspace workspace, PrintStream out, Map<String, String> environment) {
    this(workspace, out, environment, FleetShape.SINGLE, Set.of());
  }

  /**
   * A platform of {@code shape} instances of the services in {@code workspace}: of those named in
   * {@code only} and the services they call (transitively), or of every service when {@code only}
   * is empty.
   *
   * @throws IllegalArgumentException when {@code only} names a service the checkout does not have
   */
  public LocalPlatform(
      Workspace workspace,
      PrintStream out,
      Map<String, String> environment,
      FleetShape shape,
      Set<String> only) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.out = requireNonNull(out, "out");
    this.environment = Map.copyOf(requireNonNull(environment, "environment"));
    this.shape = requireNonNull(shape, "shape");
    this.catalog = ServiceCatalog.discover(workspace.home());
    this.services = select(catalog, requireNonNull(only, "only"));
    this.demoAppToken = Platform.newAppToken();
    this.desiredFile = DesiredStateFile.of(workspace);
  }

  private static List<ServiceModule> select(ServiceCatalog catalog, Set<String> only) {
    if (only.isEmpty()) {
      return catalog.services();
    }
    Set<String> wanted = new LinkedHashSet<>();
    List<String> todo = new ArrayList<>(only);
    while (!todo.isEmpty()) {
      String name = todo.remove(todo.size() - 1);
      ServiceModule module =
          catalog
              .find(name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "only: no service '" + name + "' (services: " + catalog.names() + ")"));
      if (wanted.add(name)) {
        todo.addAll(module.descriptor().calls());
      }
    }
    return catalog.services().stream().filter(s -> wanted.contains(s.name())).toList();
  }

  /**
   * Starts the stores, writes the desired state (every slot on the current release), starts every
   * slot in call order, and starts the supervisor's reconcile loop; on failure stops what had
   * started and rethrows.
   */
  public void start() {
    try {
      List<String> identities = new ArrayList<>(catalog.names());
      identities.add(ServiceConfigs.OPERATOR_IDENTITY);
      DevCerts.generate(workspace.certDir(), identities);
      startPrometheus();
      startStores();
      DesiredState desired = initialDesiredState();
      desiredFile.write(desired);
      configs =
          new ServiceConfigs(
              workspace,
              stores,
              () -> desiredFile.read().orElse(desired),
              Platform.appTokenSha256(demoAppToken));
      supervisor =
          new Supervisor(
              workspace,
              catalog,
              new ServiceLauncher(workspace),
              new Releases(workspace),
              configs,
              prometheus,
              desiredFile,
              out,
              System::nanoTime);
      supervisor.startAll(
          (started, release, readyAfter) ->
              out.printf(
                  "  %-10s %-14s grpc %-16s metrics %s   (pid %d, ready in %.1f s)%n",
                  started.name(),
                  started.slot().location(),
                  started.address(),
                  started.metricsUrl(),
                  started.pid(),
                  readyAfter.toMillis() / 1e3));
      supervisor.startLoop();
      writeClientEndpoints();
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private DesiredState initialDesiredState() {
    List<DesiredInstance> instances = new ArrayList<>();
    for (ServiceModule service : services) {
      for (InstanceSlot slot : shape.slots(service.name())) {
        DesiredInstance d = DesiredInstance.onFreePorts(slot, Releases.CURRENT);
        // Two free-port probes may return the same port; retry until the state accepts it.
        while (true) {
          try {
            List<DesiredInstance> tried = new ArrayList<>(instances);
            tried.add(d);
            new DesiredState(tried);
            break;
          } catch (IllegalArgumentException samePort) {
            d = DesiredInstance.onFreePorts(slot, Releases.CURRENT);
          }
        }
        instances.add(d);
      }
    }
    return new DesiredState(instances);
  }

  /**
   * Writes {@code <runDir>/endpoints.properties} for clients of the platform ({@link
   * ClientEndpoints}): every instance's gRPC address and, with an HTTP/JSON face, HTTPS address.
   */
  private void writeClientEndpoints() {
    ClientEndpoints endpoints = new ClientEndpoints();
    for (ServiceModule service : services) {
      for (DesiredInstance d : desiredFile.read().orElseThrow().instancesOf(service.name())) {
        endpoints.add(
            service.name(),
            d.address(),
            service.descriptor().httpJson().isPresent() ? configs.httpPort(d.slot()) : 0);
      }
    }
    endpoints.write(
        workspace,
        ServiceConfigs.OPERATOR_IDENTITY,
        ServiceConfigs.DEMO_APP,
        demoAppToken,
        stores.environment());
  }

  /** The stores this platform started (external ones, named by {@code SQUADRON_*}, are not). */
  public List<LocalServer> storeServers() {
    return stores == null ? List.of() : stores.servers();
  }

  /** The desired state's file: read or change it ({@link DesiredStateFile#update}). */
  public DesiredStateFile desiredState() {
    return desiredFile;
  }

  /** The observed state now (what {@code status} reads from the state file). */
  public RunState runState() {
    if (supervisor == null) {
      throw new IllegalStateException("not started");
    }
    return supervisor.runState();
  }

  /** Reconciles now, without waiting for the loop's next pass (tests, commands). */
  public void reconcileNow() {
    if (supervisor == null) {
      throw new IllegalStateException("not started");
    }
    supervisor.reconcile();
  }

  /**
   * HOCON for a client of {@code service} as the operator identity ({@value #OPERATOR_IDENTITY},
   * mutual TLS), balancing over every desired instance with ELS; with a {@code region}, it prefers
   * that region's instances as an instance there would. Load it with rpc-core's {@code
   * ConfigLoader} and build channels with {@code Platform.clients(config, registry)}.
   */
  public String clientConfig(String service, Optional<String> region) {
    requireNonNull(service, "service");
    requireNonNull(region, "region");
    if (configs == null) {
      throw new IllegalStateException("not started");
    }
    return region
        .map(r -> configs.forOperatorIn(service, r))
        .orElseGet(() -> configs.forOperator(service));
  }

  /** The shape this platform runs. */
  public FleetShape shape() {
    return shape;
  }

  /** The services this platform runs, each after the ones it calls. */
  public List<ServiceModule> services() {
    return services;
  }

  /** The workspace. */
  public Workspace workspace() {
    return workspace;
  }

  private void startPrometheus() {
    try {
      prometheus = LocalPrometheus.start(workspace);
      out.printf(
          "  %-10s %s   (scrapes every instance every %d s; rules: deploy/prometheus/rules)%n",
          "prometheus", prometheus.url(), LocalPrometheus.SCRAPE_INTERVAL.toSeconds());
    } catch (InfraStartException e) {
      // The platform runs without it; graphs, alerts and canary analysis need it.
      out.println(
          "  prometheus: NOT started, the platform runs without metrics collection: "
              + e.getMessage());
    }
  }

  /** The local Prometheus's base URL, when it runs. */
  public Optional<URI> prometheusUrl() {
    return Optional.ofNullable(prometheus).map(LocalPrometheus::url);
  }

  private void startStores() {
    long t0 = System.nanoTime();
    Set<String> kinds = new LinkedHashSet<>();
    services.forEach(s -> kinds.addAll(s.descriptor().stores()));
    out.println(
        "  stores: starting "
            + (kinds.isEmpty() ? "none" : String.join(", ", kinds))
            + (kinds.contains("cassandra") ? " (Cassandra takes ~15 s)" : "")
            + "...");
    stores = LocalStores.start(kinds, environment);
    for (LocalServer server : stores.servers()) {
      out.printf("  %-10s %s%n", server.kind(), server.address());
    }
    out.printf("  stores ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  /** Runs each service's demo as the operator identity over mutual TLS; false when one failed. */
  public boolean demo() {
    out.println(
        "  (demos call as spiffe://squadron/"
            + ServiceConfigs.OPERATOR_IDENTITY
            + " over mutual TLS, certificates in "
            + workspace.certDir()
            + ")");
    return new DemoCalls(workspace, configs, out).run(services, runState());
  }

  /** How to call the platform from outside: the demo app's token and an example. */
  public void printHowToCall() {
    out.println("Call it yourself (JSON in and out, errors with their google.rpc details):");
    ServiceModule first = services.get(services.size() - 1);
    out.println(
        "  ./squadron call "
            + first.name()
            + "                        # lists its methods and their fields");
    out.println(
        "  ./squadron call "
            + first.name()
            + " METHOD '{...}'         # as "
            + ServiceConfigs.OPERATOR_IDENTITY
            + " (mutual TLS)");
    out.println(
        "  ./squadron call "
            + first.name()
            + " METHOD '{...}' --app-token "
            + demoAppToken
            + "   # as app:"
            + ServiceConfigs.DEMO_APP
            + " (TLS + bearer token, no client certificate)");
    out.println(
        "  grpcurl -cacert "
            + workspace.certDir().resolve(DevCerts.CA_CERT)
            + " -cert "
            + workspace.certDir().resolve(ServiceConfigs.OPERATOR_IDENTITY + ".crt")
            + " -key "
            + workspace.certDir().resolve(ServiceConfigs.OPERATOR_IDENTITY + ".key")
            + " -servername "
            + first.name()
            + " "
            + runState().service(first.name()).map(RunningService::address).orElse("?")
            + " list");
    prometheusUrl()
        .ifPresent(
            url -> {
              out.println(
                  "Metrics and alerts (Prometheus; dashboards: deploy/dashboards, rules: deploy/prometheus/rules):");
              out.println("  " + url + "/graph    " + url + "/alerts    " + url + "/targets");
            });
  }

  /**
   * Stops the supervisor and every instance, last started first, then Prometheus and the stores,
   * and removes the state files.
   */
  @Override
  public void close() {
    if (supervisor != null) {
      supervisor.close();
      supervisor = null;
    }
    if (prometheus != null) {
      prometheus.close();
      prometheus = null;
    }
    if (stores != null) {
      stores.close();
      stores = null;
    }
    try {
      Files.deleteIfExists(workspace.stateFile());
      Files.deleteIfExists(desiredFile.path());
      Files.deleteIfExists(workspace.runDir().resolve(ClientEndpoints.FILE));
    } catch (IOException e) {
      out.println("could not remove " + workspace.stateFile() + ": " + e.getMessage());
    }
  }
}
