package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.security.SpiffeId;
import io.squadron.rpc.security.certs.DevCerts;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole platform on this machine: starts every service of the {@link ServiceCatalog} as its own process, records
 * them in the {@link RunState}, makes the demo calls, and stops everything in reverse order.
 */
public final class LocalPlatform implements AutoCloseable {
  private final Workspace workspace;
  private final PrintStream out;
  private final Map<String, RunningService> running = new LinkedHashMap<>();

  public LocalPlatform(Workspace workspace, PrintStream out) {
    this.workspace = requireNonNull(workspace, "workspace");
    this.out = requireNonNull(out, "out");
  }

  /** Starts every service with mutual TLS; on failure stops what had started and rethrows. */
  public void start() {
    ServiceLauncher launcher = new ServiceLauncher(workspace);
    try {
      DevCerts.generate(workspace.certDir(), ServiceCatalog.identities());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write certificates to " + workspace.certDir(), e);
    }
    try {
      for (ServiceSpec spec : ServiceCatalog.all()) {
        long t0 = System.nanoTime();
        RunningService service = launcher.start(spec, serviceConfig(spec));
        running.put(spec.name(), service);
        out.printf("  %-10s grpc %s   metrics %s   (pid %d, ready in %d ms)%n", spec.name(), service.address(),
            service.metricsUrl(), service.pid(), (System.nanoTime() - t0) / 1_000_000);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    new RunState(ProcessHandle.current().pid(), Processes.startMillis(ProcessHandle.current()),
        List.copyOf(running.values())).write(workspace.stateFile());
  }

  /** Mutual TLS with the local CA, and the operator identity allowed on every service (for the demo calls). */
  private String serviceConfig(ServiceSpec spec) {
    StringBuilder hocon = new StringBuilder()
        .append("squadron.security { mode = mtls, cert-dir = ").append(quote(workspace.certDir().toString()))
        .append(" }\n");
    for (String grpcService : spec.grpcServices()) {
      hocon.append("squadron.permissions.policy { ").append(quote(grpcService)).append(" += ")
          .append(quote(ServiceCatalog.OPERATOR_IDENTITY)).append(" }\n");
    }
    return hocon.toString();
  }

  private static String quote(String s) {
    return com.typesafe.config.ConfigUtil.quoteString(s);
  }

  /** Makes one demo call to each service, as the operator identity over mutual TLS; false when one failed. */
  public boolean demo() {
    StringBuilder hocon = new StringBuilder()
        .append("squadron.security { service-name = ").append(quote(ServiceCatalog.OPERATOR_IDENTITY))
        .append(", cert-dir = ").append(quote(workspace.certDir().toString())).append(" }\n")
        // The first call pays for a cold JVM and a TLS handshake; on a busy 2-core machine that can take seconds.
        .append("squadron.client-defaults.deadline = 20s\n");
    for (RunningService s : running.values()) {
      hocon.append("squadron.clients.").append(s.spec().name()).append(".addresses = [")
          .append(quote(s.address())).append("]\n");
    }
    Config config = ConfigLoader.withOverrides(ConfigFactory.parseString(hocon.toString()));
    out.println("  (calls made as " + SpiffeId.of(SpiffeId.DEFAULT_TRUST_DOMAIN, ServiceCatalog.OPERATOR_IDENTITY)
        + " over mutual TLS, certificates in " + workspace.certDir() + ")");
    try (ChannelFactory channels = Platform.clients(config, Platform.newMeterRegistry()).build()) {
      return new DemoCalls(channels, out).run(running);
    }
  }

  /** Stops every service, last started first, and removes the state file. */
  @Override
  public void close() {
    List<RunningService> reverse = new ArrayList<>(running.values());
    java.util.Collections.reverse(reverse);
    for (RunningService s : reverse) {
      Processes.find(s.pid(), s.startMillis()).ifPresent(p -> Processes.stop(p, Duration.ofSeconds(15)));
    }
    running.clear();
    try {
      java.nio.file.Files.deleteIfExists(workspace.stateFile());
    } catch (java.io.IOException e) {
      out.println("could not remove " + workspace.stateFile() + ": " + e.getMessage());
    }
  }
}
