package io.squadron.deploy.rollout;

import static java.util.Objects.requireNonNull;

import io.squadron.deploy.rollout.analysis.AnalysisSettings;
import java.time.Duration;

/**
 * How a rollout runs.
 *
 * @param analysis the canary analysis's thresholds
 * @param interval how often the canary is analysed
 * @param warmup how long after canary and baseline start their calls are left out of the analysis
 * @param healthCheck how long each later step's instances are watched before the next step
 * @param convergeTimeout how long the fleet may take to start or replace instances
 */
public record RolloutSettings(
    AnalysisSettings analysis,
    Duration interval,
    Duration warmup,
    Duration healthCheck,
    Duration convergeTimeout) {
  /**
   * Defaults for the local platform: analysis every 10 s after a 10 s warm-up, health checks of 10
   * s, 2 min to converge.
   */
  public static final RolloutSettings DEFAULTS =
      new RolloutSettings(
          AnalysisSettings.DEFAULTS,
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          Duration.ofMinutes(2));

  public RolloutSettings {
    requireNonNull(analysis, "analysis");
    positive("interval", interval);
    requireNonNull(warmup, "warmup");
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
    }
    requireNonNull(healthCheck, "healthCheck");
    if (healthCheck.isNegative()) {
      throw new IllegalArgumentException("healthCheck: " + healthCheck + " (expected: >= 0)");
    }
    positive("convergeTimeout", convergeTimeout);
  }

  private static void positive(String name, Duration d) {
    requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
    }
  }
}
