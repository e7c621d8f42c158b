package io.squadron.rpc.client;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A gRPC retry policy for one idempotent method. Squadron never retries by default (fail fast, the
 * caller decides); a method gets retries only when its config has a {@code retry} block.
 *
 * @param maxAttempts total attempts including the first, 2..5 (gRPC caps it at 5)
 * @param initialBackoff the first backoff
 * @param maxBackoff the largest backoff
 * @param backoffMultiplier growth of the backoff per attempt
 * @param retryableStatusCodes the statuses that may be retried
 */
public record RetrySettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double backoffMultiplier,
    List<Status.Code> retryableStatusCodes) {

  public RetrySettings {
    requireNonNull(initialBackoff, "initialBackoff");
    requireNonNull(maxBackoff, "maxBackoff");
    retryableStatusCodes =
        List.copyOf(requireNonNull(retryableStatusCodes, "retryableStatusCodes"));
  }

  static RetrySettings from(ConfigReader config) {
    List<Status.Code> codes = new ArrayList<>();
    for (String name : config.strings("retryable-status-codes")) {
      try {
        codes.add(Status.Code.valueOf(name));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(
            config.key("retryable-status-codes"), name + " is not a gRPC status code");
      }
    }
    if (codes.isEmpty()) {
      throw new InvalidConfigException(
          config.key("retryable-status-codes"), "empty (expected: e.g. [UNAVAILABLE])");
    }
    return new RetrySettings(
        config.intInRange("max-attempts", 2, 5),
        config.positiveDuration("initial-backoff"),
        config.positiveDuration("max-backoff"),
        config.doubleInRange("backoff-multiplier", 1.0, 10.0),
        codes);
  }
}
