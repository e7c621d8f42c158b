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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole platform on this machine: every service the checkout's descriptors declare, each as its
 * own process with mutual TLS, after the stores they need (real PostgreSQL, Cassandra, memcached,
 * unless {@code SQUADRON_*} name running ones). Records them in the {@link RunState}, runs each
 * service's demo, and stops everything in reverse.
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
  private final Map<String, RunningService> running = new LinkedHashMap<>();
  private final String demoAppToken;
  private LocalStores stores;
  private LocalPrometheus prometheus;
  private ServiceConfigs configs;
  private final ClientEndpoints endpoints = new ClientEndpoints();

  /**
   * A platform of the services in {@code workspace}, taking external stores from {@code
   * environment}.
   */
  public LocalPlatform(Workspace workspace, PrintStream out, Map<String, String> environment) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.out = requireNonNull(out, "out");
    this.environment = Map.copyOf(requireNonNull(environment, "environment"));
    this.catalog = ServiceCatalog.discover(workspace.home());
    this.demoAppToken = Platform.newAppToken();
  }

  /**
   * Starts the stores and every service in call order; on failure stops what had started and
   * rethrows.
   */
  public void start() {
    try {
      List<String> identities = new ArrayList<>(catalog.names());
      identities.add(ServiceConfigs.OPERATOR_IDENTITY);
      DevCerts.generate(workspace.certDir(), identities);
      startPrometheus();
      startStores();
      configs =
          new ServiceConfigs(workspace, stores, running, Platform.appTokenSha256(demoAppToken));
      ServiceLauncher launcher = new ServiceLauncher(workspace);
      for (ServiceModule service : catalog.services()) {
        long t0 = System.nanoTime();
        String config = configs.forService(service);
        // A fixed HTTP/JSON port (not 0), so clients can be told where the service's HTTP face is.
        int httpPort = service.descriptor().httpJson().isPresent() ? FreePorts.next() : 0;
        if (httpPort > 0) {
          config += "squadron.http.port = " + httpPort + "\n";
        }
        RunningService started = launcher.start(service, config);
        running.put(service.name(), started);
        endpoints.add(service.name(), started.address(), httpPort);
        if (prometheus != null) {
          prometheus.add(started, Map.of());
        }
        out.printf(
            "  %-10s grpc %-16s metrics %s   (pid %d, ready in %.1f s)%n",
            service.name(),
            started.address(),
            started.metricsUrl(),
            started.pid(),
            (System.nanoTime() - t0) / 1e9);
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    endpoints.write(
        workspace,
        ServiceConfigs.OPERATOR_IDENTITY,
        ServiceConfigs.DEMO_APP,
        demoAppToken,
        stores.environment());
    new RunState(
            ProcessHandle.current().pid(),
            Processes.startMillis(ProcessHandle.current()),
            List.copyOf(running.values()))
        .write(workspace.stateFile());
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
    out.println(
        "  stores: starting "
            + String.join(", ", catalog.storeKinds())
            + (catalog.storeKinds().contains("cassandra") ? " (Cassandra takes ~15 s)" : "")
            + "...");
    stores = LocalStores.start(catalog.storeKinds(), environment);
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
    return new DemoCalls(workspace, configs, out).run(catalog.services(), running);
  }

  /** How to call the platform from outside: the demo app's token and an example. */
  public void printHowToCall() {
    out.println("Call it yourself (JSON in and out, errors with their google.rpc details):");
    ServiceModule first = catalog.services().get(catalog.services().size() - 1);
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
            + running.get(first.name()).address()
            + " list");
    prometheusUrl()
        .ifPresent(
            url -> {
              out.println(
                  "Metrics and alerts (Prometheus; dashboards: deploy/dashboards, rules: deploy/prometheus/rules):");
              out.println("  " + url + "/graph    " + url + "/alerts    " + url + "/targets");
            });
  }

  /** Stops every service, last started first, then the stores, and removes the state file. */
  @Override
  public void close() {
    List<RunningService> reverse = new ArrayList<>(running.values());
    Collections.reverse(reverse);
    for (RunningService s : reverse) {
      if (prometheus != null) {
        prometheus.remove(s);
      }
      Processes.find(s.pid(), s.startMillis())
          .ifPresent(p -> Processes.stop(p, Duration.ofSeconds(15)));
    }
    running.clear();
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
      Files.deleteIfExists(workspace.runDir().resolve(ClientEndpoints.FILE));
    } catch (IOException e) {
      out.println("could not remove " + workspace.stateFile() + ": " + e.getMessage());
    }
  }
}
