package io.squadron.rpc.metrics;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;
import java.util.List;

/**
 * How call latency is recorded.
 *
 * @param percentileHistogram publish histogram buckets (aggregatable across instances with {@code
 *     histogram_quantile})
 * @param percentiles client-side percentiles computed per instance, e.g. 0.5 and 0.99 (empty for
 *     none)
 * @param minExpected the smallest latency the buckets resolve
 * @param maxExpected the largest latency the buckets resolve
 */
public record MetricsSettings(
    boolean percentileHistogram,
    List<Double> percentiles,
    Duration minExpected,
    Duration maxExpected) {
  /** Histogram on, p50/p90/p99, 100 µs .. 30 s. */
  public static final MetricsSettings DEFAULT =
      new MetricsSettings(
          true, List.of(0.5, 0.9, 0.99), Duration.ofNanos(100_000), Duration.ofSeconds(30));

  public MetricsSettings {
    percentiles = List.copyOf(requireNonNull(percentiles, "percentiles"));
    requireNonNull(minExpected, "minExpected");
    requireNonNull(maxExpected, "maxExpected");
    if (minExpected.compareTo(maxExpected) >= 0) {
      throw new IllegalArgumentException(
          "minExpected " + minExpected + " must be below maxExpected " + maxExpected);
    }
  }

  /**
   * Reads {@code percentile-histogram}, {@code percentiles}, {@code min-expected}, {@code
   * max-expected}.
   */
  public static MetricsSettings from(ConfigReader config) {
    List<Double> percentiles = config.doubles("percentiles");
    for (double p : percentiles) {
      if (!(p > 0 && p < 1)) {
        throw new InvalidConfigException(
            config.key("percentiles"), p + " (expected: each between 0 and 1, exclusive)");
      }
    }
    Duration min = config.positiveDuration("min-expected");
    Duration max = config.positiveDuration("max-expected");
    if (min.compareTo(max) >= 0) {
      throw new InvalidConfigException(
          config.key("min-expected"), min + " (expected: below max-expected " + max + ")");
    }
    return new MetricsSettings(config.bool("percentile-histogram"), percentiles, min, max);
  }
}
