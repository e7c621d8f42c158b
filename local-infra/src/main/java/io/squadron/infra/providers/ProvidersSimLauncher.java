package io.squadron.infra.providers;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import io.squadron.infra.process.Ports;
import io.squadron.infra.process.RunDir;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Starts the payment provider simulator ({@code billing-service/providers-sim}) in a forked JVM on
 * 127.0.0.1 and a free port, its journal and settlement reports in a private work directory. Ready
 * when {@code GET /_control/health} answers 200 (~1 s).
 *
 * <pre>{@code
 * try (ProvidersSimServer sim = ProvidersSimLauncher.builder().seed(42).start()) {
 *     String cardpay = sim.baseUrl() + "/cardpay";  // API keys: GET sim.baseUrl() + "/_control/credentials"
 * }
 * }</pre>
 *
 * <p>The simulator's secrets (API keys, webhook secrets) are derived from a random secret seed
 * drawn here per launcher start and kept in the work directory, so a {@code restart()} keeps them.
 */
public final class ProvidersSimLauncher {
  /** How long a start may take by default. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  /** Default heap (-Xmx) in MiB. */
  public static final int DEFAULT_HEAP_MB = 256;

  private Path workRoot = RunDir.defaultRoot();
  private Duration startTimeout = DEFAULT_START_TIMEOUT;
  private int heapMb = DEFAULT_HEAP_MB;
  private long seed = 1;
  private String webhookUrl = "";
  private boolean manualClock;
  private String secretSeed;

  private ProvidersSimLauncher() {}

  /** A launcher with the defaults. */
  public static ProvidersSimLauncher builder() {
    return new ProvidersSimLauncher();
  }

  /** Where work directories go (default {@link RunDir#defaultRoot()}). */
  public ProvidersSimLauncher workRoot(Path workRoot) {
    this.workRoot = requireNonNull(workRoot, "workRoot");
    return this;
  }

  /** How long a start may take (default 60 s). */
  public ProvidersSimLauncher startTimeout(Duration startTimeout) {
    requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout: " + startTimeout + " (expected: > 0)");
    }
    this.startTimeout = startTimeout;
    return this;
  }

  /** The simulator's heap in MiB (default 256). */
  public ProvidersSimLauncher heapMb(int heapMb) {
    if (heapMb < 64) {
      throw new IllegalArgumentException("heapMb: " + heapMb + " (expected: >= 64)");
    }
    this.heapMb = heapMb;
    return this;
  }

  /** The seed of every id, fault and decline (default 1). */
  public ProvidersSimLauncher seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * The webhook URL template ({@code {provider}} replaced); default none (set later through the
   * control API).
   */
  public ProvidersSimLauncher webhookUrl(String webhookUrl) {
    requireNonNull(webhookUrl, "webhookUrl");
    if (!webhookUrl.isEmpty() && !webhookUrl.matches("https?://\\S+")) {
      throw new IllegalArgumentException(
          "webhookUrl: " + webhookUrl + " (expected: an http(s) URL)");
    }
    this.webhookUrl = webhookUrl;
    return this;
  }

  /**
   * Whether simulated time stands still unless advanced (default false: wall clock plus advances).
   */
  public ProvidersSimLauncher manualClock(boolean manualClock) {
    this.manualClock = manualClock;
    return this;
  }

  /** The seed of the simulator's API keys and webhook secrets (default: random per start). */
  public ProvidersSimLauncher secretSeed(String secretSeed) {
    requireNonNull(secretSeed, "secretSeed");
    if (secretSeed.isBlank()) {
      throw new IllegalArgumentException("secretSeed: blank (expected: a non-blank string)");
    }
    this.secretSeed = secretSeed;
    return this;
  }

  /**
   * Starts the simulator and waits until its health endpoint answers.
   *
   * @throws InfraStartException if the providers-sim classpath is missing or the process does not
   *     become ready
   */
  public ProvidersSimServer start() {
    String classpath = ProvidersSimClasspath.load();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    String secrets = secretSeed != null ? secretSeed : randomSecret();
    ProvidersSimServer server =
        new ProvidersSimServer(
            RunDir.create(workRoot, "providerssim"),
            Ports.random().next(),
            java,
            classpath,
            heapMb,
            seed,
            secrets,
            webhookUrl,
            manualClock,
            startTimeout);
    server.start();
    return server;
  }

  private static String randomSecret() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
