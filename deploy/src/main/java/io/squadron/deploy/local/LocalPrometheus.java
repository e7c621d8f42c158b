package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.prometheus.PrometheusLauncher;
import io.squadron.infra.prometheus.PrometheusServer;
import io.squadron.infra.prometheus.ScrapeTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The local platform's Prometheus: a real server (local-infra's {@link PrometheusLauncher}) that
 * scrapes every service instance {@code up} starts, through file-based service discovery kept
 * current as instances start and stop, and evaluates the platform's rules ({@code
 * deploy/prometheus/rules/*.yml}).
 *
 * <p>Target labels: {@value #SERVICE} (the platform's service name), {@code instance} (the admin
 * address), and {@value #REGION}, {@value #GROUP}, {@value #RELEASE} when the caller knows them
 * ({@code up}'s supervisor always does). rpc-core's meters carry their own {@code service} tag (the
 * gRPC service, e.g. {@code squadron.padlock.v1.PadlockService}); it is stored as {@value
 * #GRPC_SERVICE}, so {@code service} means the same thing on every series.
 */
public final class LocalPrometheus implements AutoCloseable {
  /** The label of the platform's service name. */
  public static final String SERVICE = "service";

  /** The label rpc-core's gRPC service tag is renamed to. */
  public static final String GRPC_SERVICE = "grpc_service";

  /** The label of an instance's region. */
  public static final String REGION = "region";

  /** The label of an instance's deployment group. */
  public static final String GROUP = "group";

  /** The label of an instance's version (for callers that name versions rather than releases). */
  public static final String VERSION = "version";

  /** The label of an instance's release ({@link Releases}). */
  public static final String RELEASE = "release";

  /** How often the local Prometheus scrapes. */
  public static final Duration SCRAPE_INTERVAL = PrometheusLauncher.DEFAULT_SCRAPE_INTERVAL;

  private final Workspace workspace;
  private final PrometheusServer server;
  private final Map<String, Map<String, ScrapeTarget>> targetsByService = new LinkedHashMap<>();

  private LocalPrometheus(Workspace workspace, PrometheusServer server) {
    this.workspace = workspace;
    this.server = server;
  }

  /**
   * Starts Prometheus (installing Debian's package first when missing and root) with the rule files
   * of the checkout, and records where it is for the other commands ({@link PrometheusInfo}).
   *
   * @throws io.squadron.infra.InfraStartException when it is missing and cannot be installed, or
   *     does not start
   */
  public static LocalPrometheus start(Workspace workspace) {
    requireNonNull(workspace, "workspace");
    PrometheusLauncher launcher =
        PrometheusLauncher.builder()
            .scrapeInterval(SCRAPE_INTERVAL)
            .renameScrapedLabel(SERVICE, GRPC_SERVICE)
            .ruleFiles(ruleFiles(workspace));
    PrometheusServer server = launcher.start();
    LocalPrometheus prometheus = new LocalPrometheus(workspace, server);
    new PrometheusInfo(
            server.url(),
            server.pid(),
            Processes.startMillis(ProcessHandle.of(server.pid()).orElseThrow()),
            server.targetsDir())
        .write(workspace);
    return prometheus;
  }

  /**
   * The rule files Prometheus loads: every {@code *.yml} of {@code deploy/prometheus/rules}, if
   * there is one.
   */
  static List<String> ruleFiles(Workspace workspace) {
    Path rules = workspace.home().resolve("deploy").resolve("prometheus").resolve("rules");
    if (!Files.isDirectory(rules)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(rules)) {
      if (files.anyMatch(p -> p.toString().endsWith(".yml"))) {
        return List.of(rules.toAbsolutePath() + "/*.yml");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + rules, e);
    }
    return List.of();
  }

  /** The base URL ({@code http://127.0.0.1:PORT}). */
  public URI url() {
    return server.url();
  }

  /** The server, for its fault controls. */
  public PrometheusServer server() {
    return server;
  }

  /**
   * Scrapes {@code instance} from now on, with {@code labels} ({@value #REGION}, {@value #GROUP},
   * {@value #RELEASE}, ...) besides its {@value #SERVICE}; replaces what was known of the same
   * admin address.
   */
  public synchronized void add(RunningService instance, Map<String, String> labels) {
    requireNonNull(instance, "instance");
    requireNonNull(labels, "labels");
    Map<String, String> all = new LinkedHashMap<>(labels);
    all.put(SERVICE, instance.name());
    String address = "127.0.0.1:" + instance.adminPort();
    targetsByService
        .computeIfAbsent(instance.name(), k -> new LinkedHashMap<>())
        .put(address, new ScrapeTarget(address, all));
    write(instance.name());
  }

  /** Stops scraping {@code instance} (it was stopped or replaced). */
  public synchronized void remove(RunningService instance) {
    requireNonNull(instance, "instance");
    Map<String, ScrapeTarget> targets = targetsByService.get(instance.name());
    if (targets != null && targets.remove("127.0.0.1:" + instance.adminPort()) != null) {
      write(instance.name());
    }
  }

  private void write(String service) {
    server.setTargets(
        service, new ArrayList<>(targetsByService.getOrDefault(service, Map.of()).values()));
  }

  /** Stops Prometheus (its data goes with it) and removes the record of where it was. */
  @Override
  public synchronized void close() {
    PrometheusInfo.delete(workspace);
    server.close();
  }
}
