package io.squadron.infra.providers;

import io.squadron.infra.process.ManagedServer;
import io.squadron.infra.process.RunDir;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The payment provider simulator started by {@link ProvidersSimLauncher}. Its state (payments,
 * idempotency keys, pending webhooks, simulated clock) is journaled in {@code <workDir>/state}:
 * {@link #stop()} (SIGTERM) and even a killed process lose nothing it acknowledged, and {@link
 * #restart()} comes back on the same port with the same state and secrets. {@link #pause()} freezes
 * it (requests and webhooks hang), as a provider outage.
 */
public final class ProvidersSimServer extends ManagedServer {
  private final Path java;
  private final String classpath;
  private final int heapMb;
  private final long seed;
  private final String secretSeed;
  private final String webhookUrl;
  private final boolean manualClock;

  ProvidersSimServer(
      RunDir runDir,
      int port,
      Path java,
      String classpath,
      int heapMb,
      long seed,
      String secretSeed,
      String webhookUrl,
      boolean manualClock,
      Duration startTimeout) {
    super("providers-sim", runDir, port, startTimeout);
    this.java = java;
    this.classpath = classpath;
    this.heapMb = heapMb;
    this.seed = seed;
    this.secretSeed = secretSeed;
    this.webhookUrl = webhookUrl;
    this.manualClock = manualClock;
  }

  /**
   * {@code http://127.0.0.1:PORT}, the {@code SQUADRON_PROVIDERS_SIM} value: provider {@code p} at
   * {@code baseUrl() + "/" + p}, the control API at {@code baseUrl() + "/_control"}.
   */
  public String baseUrl() {
    return "http://" + address().getHostString() + ":" + port();
  }

  /** The seed of the simulator's drawn decisions. */
  public long seed() {
    return seed;
  }

  /** Where the simulator writes settlement reports unless a request names another directory. */
  public Path reportDir() {
    return workDir().resolve("reports");
  }

  @Override
  protected ProcessHandle launch() throws IOException {
    Path dir = workDir();
    Path config = dir.resolve("providers-sim.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "squadron.providers-sim {",
            "  port = " + port(),
            "  seed = " + seed,
            "  secret-seed = " + quote(secretSeed),
            "  state-dir = " + quote(dir.resolve("state").toString()),
            "  report-dir = " + quote(reportDir().toString()),
            "  webhook-url = " + quote(webhookUrl),
            "  clock.mode = " + (manualClock ? "manual" : "real"),
            "}",
            ""),
        StandardCharsets.UTF_8);
    List<String> command =
        List.of(
            java.toString(),
            "-Xms64m",
            "-Xmx" + heapMb + "m",
            "-XX:+UseSerialGC",
            // Its logging config has its own name: a jar on other class paths must not ship a
            // logback.xml.
            "-Xss512k",
            "-Dlogback.configurationFile=providers-sim-logback.xml",
            "-cp",
            classpath,
            "io.squadron.providers.sim.ProvidersSimMain",
            "--config",
            config.toString());
    return new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
        .start()
        .toHandle();
  }

  /** A HOCON quoted string. */
  private static String quote(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  protected void checkReady() throws Exception {
    HttpURLConnection connection =
        (HttpURLConnection) new URL(baseUrl() + "/_control/health").openConnection();
    connection.setConnectTimeout(500);
    connection.setReadTimeout(2_000);
    try {
      int status = connection.getResponseCode();
      if (status != 200) {
        throw new IOException("GET /_control/health answered " + status);
      }
    } finally {
      connection.disconnect();
    }
  }

  @Override
  protected Path logFile() {
    return workDir().resolve("providers-sim.log");
  }
}
