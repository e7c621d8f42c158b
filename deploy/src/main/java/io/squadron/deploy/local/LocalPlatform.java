package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientSettings;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
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

  /** Starts every service; on failure stops what had started and rethrows. */
  public void start() {
    ServiceLauncher launcher = new ServiceLauncher(workspace);
    try {
      for (ServiceSpec spec : ServiceCatalog.all()) {
        long t0 = System.nanoTime();
        RunningService service = launcher.start(spec, "");
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

  /** Makes one demo call to each service; false when one failed. */
  public boolean demo() {
    ClientSettings defaults = ClientsSettings.from(ConfigLoader.withOverrides(com.typesafe.config.ConfigFactory.empty()))
        .defaults();
    List<ClientSettings> clients = new ArrayList<>();
    for (RunningService s : running.values()) {
      clients.add(ClientSettings.forAddresses(s.spec().name(), List.of(s.address()), defaults));
    }
    try (ChannelFactory channels = ChannelFactory.builder(
        ClientsSettings.of(defaults, clients.toArray(new ClientSettings[0]))).build()) {
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
