package io.squadron.providers.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the simulator as a process until SIGTERM/SIGINT.
 *
 * <pre>
 * java -cp ... io.squadron.providers.sim.ProvidersSimMain [--config FILE] [--port P] [--seed S]
 *     [--callback-url URL] [--state-dir DIR]
 * </pre>
 *
 * The HOCON file holds the namespace {@value SimSettings#NAMESPACE} (defaults in {@code
 * reference.conf}); the flags override its keys {@code port}, {@code seed}, {@code webhook-url} and
 * {@code state-dir}. When ready it prints {@code providers-sim listening on http://127.0.0.1:PORT}.
 */
public final class ProvidersSimMain {
  private static final Logger log = LoggerFactory.getLogger(ProvidersSimMain.class);

  private ProvidersSimMain() {}

  /** Entry point. */
  public static void main(String[] args) throws InterruptedException {
    SimSettings settings;
    try {
      settings = SimSettings.fromConfig(config(args));
    } catch (IllegalArgumentException e) {
      System.err.println("providers-sim: " + e.getMessage());
      System.exit(2);
      return;
    }
    ProvidersSim sim = ProvidersSim.start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("Stopping");
                  sim.close();
                  stopped.countDown();
                },
                "providers-sim-shutdown"));
    log.info(
        "providers-sim listening on {} (seed {}, state {})",
        sim.baseUrl(),
        settings.seed(),
        settings.stateDir() == null ? "in memory" : settings.stateDir());
    System.out.println("providers-sim listening on " + sim.baseUrl());
    stopped.await();
  }

  static Config config(String[] args) {
    Map<String, Object> overrides = new HashMap<>();
    Config file = ConfigFactory.empty();
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + ": missing value");
      }
      String value = args[++i];
      switch (flag) {
        case "--config" -> {
          File f = new File(value);
          if (!f.isFile()) {
            throw new IllegalArgumentException("--config: no such file " + value);
          }
          file = ConfigFactory.parseFile(f);
        }
        case "--port" -> overrides.put(SimSettings.NAMESPACE + ".port", parseLong(flag, value));
        case "--seed" -> overrides.put(SimSettings.NAMESPACE + ".seed", parseLong(flag, value));
        case "--callback-url" -> overrides.put(SimSettings.NAMESPACE + ".webhook-url", value);
        case "--state-dir" -> overrides.put(SimSettings.NAMESPACE + ".state-dir", value);
        default ->
            throw new IllegalArgumentException(
                flag
                    + ": unknown flag (expected: --config, --port, --seed, "
                    + "--callback-url, --state-dir)");
      }
    }
    return ConfigFactory.parseMap(overrides).withFallback(file);
  }

  private static long parseLong(String flag, String value) {
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(flag + ": '" + value + "' (expected: an integer)");
    }
  }
}
