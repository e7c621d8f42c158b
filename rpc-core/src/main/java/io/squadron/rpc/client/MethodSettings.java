package io.squadron.rpc.client;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Per-method client settings.
 *
 * @param fullMethodName {@code package.Service/Method}, or {@code package.Service} for every method
 *     of a service
 * @param deadline the deadline of calls that set none (a shorter one set by the caller wins)
 * @param retry the retry policy, when the method is idempotent and retries were enabled for it
 */
public record MethodSettings(
    String fullMethodName, Optional<Duration> deadline, Optional<RetrySettings> retry) {
  public MethodSettings {
    requireNonNull(fullMethodName, "fullMethodName");
    requireNonNull(deadline, "deadline");
    requireNonNull(retry, "retry");
  }
}
