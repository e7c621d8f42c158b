package io.squadron.infra.prometheus;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import io.squadron.infra.process.DebianPackages;
import io.squadron.infra.process.Ports;
import io.squadron.infra.process.RunDir;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Starts a real Prometheus on 127.0.0.1 and a free port, scraping the targets its owner writes with
 * {@link PrometheusServer#setTargets} (file-based service discovery, picked up within a second),
 * and evaluating the given rule files:
 *
 * <pre>{@code
 * try (PrometheusServer prometheus = PrometheusLauncher.builder()
 *         .ruleFiles(List.of("/repo/deploy/prometheus/rules/*.yml"))
 *         .start()) {
 *     prometheus.setTargets("padlock", List.of(new ScrapeTarget("127.0.0.1:20555", Map.of("service", "padlock"))));
 *     URI api = prometheus.url().resolve("/api/v1/query?query=up");
 * }
 * }</pre>
 *
 * <p>The binary is the machine's ({@code PATH}, then /usr/bin): Debian's {@code prometheus} package
 * (2.42 on Debian 12). If it is missing and this JVM runs as root it is installed with apt-get
 * first (serialised by a lock file); not root, the start fails with the exact command to run.
 */
public final class PrometheusLauncher {
  /** How long a start may take once the binary is there (Prometheus is ready in about a second). */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  /** Scrape interval for local runs: short, so a few seconds of traffic already show. */
  public static final Duration DEFAULT_SCRAPE_INTERVAL = Duration.ofSeconds(2);

  /** How often recording and alerting rules run. */
  public static final Duration DEFAULT_EVALUATION_INTERVAL = Duration.ofSeconds(5);

  /** How long samples are kept (a local platform runs for hours, not weeks). */
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(3);

  /** The {@code job} label of every scraped target. */
  public static final String DEFAULT_JOB = "squadron";

  /** The Debian package that has {@code prometheus} and {@code promtool}. */
  public static final String DEBIAN_PACKAGE = "prometheus";

  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private Path workRoot = RunDir.defaultRoot();
  private Duration startTimeout = DEFAULT_START_TIMEOUT;
  private Duration scrapeInterval = DEFAULT_SCRAPE_INTERVAL;
  private Duration evaluationInterval = DEFAULT_EVALUATION_INTERVAL;
  private Duration retention = DEFAULT_RETENTION;
  private String job = DEFAULT_JOB;
  private final List<String> ruleFiles = new ArrayList<>();
  private final Map<String, String> scrapedLabelRenames = new LinkedHashMap<>();
  private boolean installIfMissing = true;
  private String searchPath = System.getenv("PATH");

  private PrometheusLauncher() {}

  /** A launcher with the defaults. */
  public static PrometheusLauncher builder() {
    return new PrometheusLauncher();
  }

  /** Where work directories go (default {@link RunDir#defaultRoot()}). */
  public PrometheusLauncher workRoot(Path workRoot) {
    this.workRoot = requireNonNull(workRoot, "workRoot");
    return this;
  }

  /** How long a start may take once the binary is installed (default 60 s). */
  public PrometheusLauncher startTimeout(Duration startTimeout) {
    this.startTimeout = positive("startTimeout", startTimeout);
    return this;
  }

  /** How often every target is scraped (default 2 s; whole seconds or milliseconds). */
  public PrometheusLauncher scrapeInterval(Duration scrapeInterval) {
    this.scrapeInterval = atLeastOneMilli("scrapeInterval", scrapeInterval);
    return this;
  }

  /** How often rules are evaluated (default 5 s). */
  public PrometheusLauncher evaluationInterval(Duration evaluationInterval) {
    this.evaluationInterval = atLeastOneMilli("evaluationInterval", evaluationInterval);
    return this;
  }

  /** How long samples are kept (default 3 days, the longest window of the SLO rules). */
  public PrometheusLauncher retention(Duration retention) {
    this.retention = atLeastOneMilli("retention", retention);
    return this;
  }

  /** The {@code job} label of the scraped targets (default {@value #DEFAULT_JOB}). */
  public PrometheusLauncher job(String job) {
    requireNonNull(job, "job");
    if (job.isBlank()) {
      throw new IllegalArgumentException("job: '' (expected: a non-blank name)");
    }
    this.job = job;
    return this;
  }

  /**
   * Rule files to load: absolute paths, the last element may be a glob such as {@code rules/*.yml}.
   */
  public PrometheusLauncher ruleFiles(List<String> ruleFiles) {
    requireNonNull(ruleFiles, "ruleFiles");
    for (String file : ruleFiles) {
      requireNonNull(file, "ruleFiles[]");
      if (!Path.of(file).isAbsolute()) {
        throw new IllegalArgumentException(
            "ruleFiles: '" + file + "' (expected: an absolute path)");
      }
    }
    this.ruleFiles.clear();
    this.ruleFiles.addAll(ruleFiles);
    return this;
  }

  /**
   * Renames a label the scraped series carry when a target label of the same name wins over it.
   * Prometheus keeps the target's label and renames the scraped one to {@code exported_<label>};
   * this makes it {@code to} instead (e.g. the gRPC {@code service} tag of rpc-core's metrics
   * becomes {@code grpc_service}, while {@code service} is the platform's service the target
   * belongs to).
   */
  public PrometheusLauncher renameScrapedLabel(String label, String to) {
    requireNonNull(label, "label");
    requireNonNull(to, "to");
    for (String name : List.of(label, to)) {
      if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
        throw new IllegalArgumentException(
            "label: '" + name + "' (expected: a Prometheus label name)");
      }
    }
    scrapedLabelRenames.put(label, to);
    return this;
  }

  /**
   * Whether a missing binary is installed with apt-get when running as root (default true).
   * Otherwise, or when not root, a missing binary fails the start with the command to run.
   */
  public PrometheusLauncher installIfMissing(boolean installIfMissing) {
    this.installIfMissing = installIfMissing;
    return this;
  }

  /**
   * The directories to look for the binaries in, like {@code PATH} (default: this process's PATH).
   */
  public PrometheusLauncher searchPath(String searchPath) {
    this.searchPath = searchPath;
    return this;
  }

  /**
   * {@code promtool} (rule checks and rule unit tests), installing the package first like {@link
   * #start()}.
   *
   * @throws InfraStartException if it is missing and cannot be installed; the message carries the
   *     command
   */
  public Path promtool() {
    return DebianPackages.locate(
        "promtool", DEBIAN_PACKAGE, searchPath, installIfMissing, workRoot);
  }

  /**
   * Starts the server and waits until {@code /-/ready} answers 200.
   *
   * @throws InfraStartException if Prometheus is missing and cannot be installed, or does not
   *     become ready
   */
  public PrometheusServer start() {
    Path binary =
        DebianPackages.locate("prometheus", DEBIAN_PACKAGE, searchPath, installIfMissing, workRoot);
    PrometheusServer server =
        new PrometheusServer(
            binary,
            RunDir.create(workRoot, "prometheus"),
            Ports.random().next(),
            startTimeout,
            new PrometheusConfig(
                job,
                scrapeInterval,
                evaluationInterval,
                List.copyOf(ruleFiles),
                Map.copyOf(scrapedLabelRenames)),
            retention);
    server.start();
    return server;
  }

  private static Duration positive(String name, Duration value) {
    requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  private static Duration atLeastOneMilli(String name, Duration value) {
    positive(name, value);
    if (value.toMillis() < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1ms)");
    }
    return value;
  }
}
