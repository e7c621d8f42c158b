package io.squadron.rpc.internal.faults;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.server.AdminSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Faults injected on one method ({@code squadron.fault-injection}, defaults in {@code
 * reference.conf}):
 *
 * <pre>
 * squadron.fault-injection {
 *   method = "squadron.shuffle.v1.ShuffleService/Shuffle"
 *   added-latency = 50%     # the call's own time again times 0.5; or a duration such as 20ms
 *   error-rate = 0.02       # this share of calls fails with UNAVAILABLE, reason FAULT_INJECTED
 * }
 * </pre>
 *
 * <p>Local only: a server whose {@code squadron.server.host} is not a loopback address refuses to
 * start with faults configured unless {@code allow-beyond-loopback = true} (a game day on a real
 * cluster must say so in its config). {@code plaintext-dev} is loopback-only already, so the local
 * platform ({@code squadron up}, mutual TLS on 127.0.0.1) and tests may inject faults and nothing
 * listening on a network may by accident.
 *
 * @param method the full method name ({@code package.Service/Method}) the faults apply to
 * @param addedLatencyFraction the call's own duration times this is added (0: none)
 * @param addedLatencyFixed this is added to every call (zero: none)
 * @param errorRate the probability that a call fails without reaching the handler
 */
public record FaultInjectionSettings(
    String method, double addedLatencyFraction, Duration addedLatencyFixed, double errorRate) {
  private static final String KEY = "squadron.fault-injection";

  public FaultInjectionSettings {
    requireNonNull(method, "method");
    requireNonNull(addedLatencyFixed, "addedLatencyFixed");
    if (!method.matches("[A-Za-z_][\\w.]*/[A-Za-z_]\\w*")) {
      throw new IllegalArgumentException(
          "method: '" + method + "' (expected: package.Service/Method)");
    }
    if (!(addedLatencyFraction >= 0 && addedLatencyFraction <= 100)) {
      throw new IllegalArgumentException(
          "addedLatencyFraction: " + addedLatencyFraction + " (expected: 0..100)");
    }
    if (addedLatencyFixed.isNegative()) {
      throw new IllegalArgumentException(
          "addedLatencyFixed: " + addedLatencyFixed + " (expected: >= 0)");
    }
    if (addedLatencyFraction > 0 && !addedLatencyFixed.isZero()) {
      throw new IllegalArgumentException(
          "added latency: either a fraction or a duration, not both");
    }
    if (!(errorRate >= 0 && errorRate <= 1)) {
      throw new IllegalArgumentException("errorRate: " + errorRate + " (expected: 0..1)");
    }
  }

  /**
   * Reads {@code squadron.fault-injection}: empty when {@code method} is empty (the default).
   *
   * @throws InvalidConfigException naming the key for a bad value, or when faults are configured on
   *     a server listening beyond loopback without {@code allow-beyond-loopback = true}
   */
  public static Optional<FaultInjectionSettings> from(Config root) {
    ConfigReader r = ConfigReader.at(root, KEY);
    String method = r.string("method").trim();
    if (method.isEmpty()) {
      return Optional.empty();
    }
    if (!method.matches("[A-Za-z_][\\w.]*/[A-Za-z_]\\w*")) {
      throw new InvalidConfigException(
          r.key("method"), "'" + method + "' (expected: package.Service/Method)");
    }
    double fraction = 0;
    Duration fixed = Duration.ZERO;
    String latency = r.string("added-latency").trim();
    if (latency.endsWith("%")) {
      try {
        fraction = Double.parseDouble(latency.substring(0, latency.length() - 1).trim()) / 100;
      } catch (NumberFormatException e) {
        fraction = Double.NaN;
      }
      if (!(fraction >= 0 && fraction <= 100)) {
        throw new InvalidConfigException(
            r.key("added-latency"), "'" + latency + "' (expected: a percentage 0%..10000%)");
      }
    } else {
      fixed = r.duration("added-latency");
    }
    double errorRate = r.doubleInRange("error-rate", 0, 1);
    if (fraction == 0 && fixed.isZero() && errorRate == 0) {
      throw new InvalidConfigException(
          KEY, "method '" + method + "' without a fault (expected: added-latency or error-rate)");
    }
    String host = ConfigReader.at(root, "squadron.server").string("host");
    if (!AdminSettings.isLoopback(host) && !r.bool("allow-beyond-loopback")) {
      throw new InvalidConfigException(
          r.key("method"),
          "faults configured on a server listening on '"
              + host
              + "' (expected: a loopback host such as 127.0.0.1 - fault injection is for the local platform,"
              + " tests and demos; set "
              + r.key("allow-beyond-loopback")
              + " = true to inject faults into real traffic on purpose)");
    }
    return Optional.of(new FaultInjectionSettings(method, fraction, fixed, errorRate));
  }

  /** How the faults read in a log line. */
  public String describe() {
    String latency =
        addedLatencyFraction > 0
            ? String.format(Locale.ROOT, "+%.0f%% latency", addedLatencyFraction * 100)
            : addedLatencyFixed.isZero()
                ? "no added latency"
                : "+" + addedLatencyFixed + " latency";
    return String.format(
        Locale.ROOT, "%s: %s, %.2f%% errors (UNAVAILABLE)", method, latency, errorRate * 100);
  }
}
