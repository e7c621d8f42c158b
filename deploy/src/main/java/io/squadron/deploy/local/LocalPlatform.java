package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squadron.infra.LocalInfra;
import io.squadron.infra.LocalServer;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.security.SpiffeId;
import io.squadron.rpc.security.certs.DevCerts;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole platform on this machine: starts the real stores (PostgreSQL, Cassandra, memcached, Kafka, unless
 * {@code SQUADRON_*} name running ones), then every service of the {@link ServiceCatalog} as its own process with
 * mutual TLS, records them in the {@link RunState}, makes the demo calls, and stops everything in reverse order.
 */
public final class LocalPlatform implements AutoCloseable {
  private final Workspace workspace;
  private final PrintStream out;
  private final Map<String, String> environment;
  private final Map<String, RunningService> running = new LinkedHashMap<>();
  private LocalInfra infra;

  /** A platform taking external stores from {@code environment} ({@code SQUADRON_*}), if set. */
  public LocalPlatform(Workspace workspace, PrintStream out, Map<String, String> environment) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.out = requireNonNull(out, "out");
    this.environment = Map.copyOf(requireNonNull(environment, "environment"));
  }

  /** Starts the stores and every service; on failure stops what had started and rethrows. */
  public void start() {
    try {
      DevCerts.generate(workspace.certDir(), ServiceCatalog.identities());
      startStores();
      ServiceLauncher launcher = new ServiceLauncher(workspace);
      ServiceConfigs configs = new ServiceConfigs(workspace, infra.environment(), running);
      for (ServiceSpec spec : ServiceCatalog.all()) {
        long t0 = System.nanoTime();
        RunningService service = launcher.start(spec, configs.forService(spec));
        running.put(spec.name(), service);
        out.printf("  %-8s grpc %-16s metrics %s   (pid %d, ready in %.1f s)%n", spec.name(), service.address(),
            service.metricsUrl(), service.pid(), (System.nanoTime() - t0) / 1e9);
      }
    } catch (IOException e) {
      close();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    new RunState(ProcessHandle.current().pid(), Processes.startMillis(ProcessHandle.current()),
        List.copyOf(running.values())).write(workspace.stateFile());
  }

  private void startStores() {
    long t0 = System.nanoTime();
    out.println("  stores: starting PostgreSQL, Cassandra, memcached and Kafka (Cassandra takes ~15 s)...");
    infra = LocalInfra.builder().postgres(true).cassandra(true).memcached(true).kafka(true)
        .fromEnvironment(environment).build().start();
    for (LocalServer server : infra.servers()) {
      out.printf("  %-8s %s%n", server.kind(), server.address());
    }
    out.printf("  stores ready in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  /** Makes the demo calls, as the operator identity over mutual TLS; false when one failed. */
  public boolean demo() {
    out.println("  (calls made as " + SpiffeId.of(SpiffeId.DEFAULT_TRUST_DOMAIN, ServiceCatalog.OPERATOR_IDENTITY)
        + " over mutual TLS, certificates in " + workspace.certDir() + ")");
    ServiceConfigs configs = new ServiceConfigs(workspace, infra.environment(), running);
    StringBuilder clients = new StringBuilder();
    running.keySet().forEach(name -> clients.append(configs.forDemo(name)));
    Config config = ConfigLoader.withOverrides(ConfigFactory.parseString(clients.toString()));
    try (ChannelFactory channels = Platform.clients(config, Platform.newMeterRegistry()).build()) {
      return new DemoCalls(workspace, channels, configs, out).run(running);
    }
  }

  /** Stops every service, last started first, then the stores, and removes the state file. */
  @Override
  public void close() {
    List<RunningService> reverse = new ArrayList<>(running.values());
    Collections.reverse(reverse);
    for (RunningService s : reverse) {
      Processes.find(s.pid(), s.startMillis()).ifPresent(p -> Processes.stop(p, Duration.ofSeconds(15)));
    }
    running.clear();
    if (infra != null) {
      infra.close();
      infra = null;
    }
    try {
      Files.deleteIfExists(workspace.stateFile());
    } catch (IOException e) {
      out.println("could not remove " + workspace.stateFile() + ": " + e.getMessage());
    }
  }
}
