package io.squadron.store;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.ExceptionMapper;
import io.squadron.rpc.errors.RpcErrors;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The status of a store failure: register {@link #exceptionMapper()} with the server, and every
 * {@link StoreUnavailableException} a handler throws (directly or wrapped by a future) reaches the
 * caller as UNAVAILABLE with {@code ErrorInfo} reason {@code DEPENDENCY_UNAVAILABLE} and a {@code
 * RetryInfo} delay of {@link #RETRY_DELAY}. The server never retried: the caller decides.
 */
public final class StoreErrors {
  /**
   * The delay after which a retry may succeed (a store coming back, a driver reconnecting), sent as
   * RetryInfo.
   */
  public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  private static final ExceptionMapper MAPPER = StoreErrors::map;

  private StoreErrors() {}

  /** Maps {@link StoreUnavailableException} to UNAVAILABLE; empty for anything else. */
  public static ExceptionMapper exceptionMapper() {
    return MAPPER;
  }

  private static Optional<StatusRuntimeException> map(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (!(t instanceof StoreUnavailableException e)) {
      return Optional.empty();
    }
    return Optional.of(
        RpcErrors.of(
            Status.Code.UNAVAILABLE,
            ErrorReason.DEPENDENCY_UNAVAILABLE,
            e.store()
                + " unavailable during "
                + e.operation()
                + "; nothing was retried, the call may be repeated",
            RpcErrors.retryInfo(RETRY_DELAY)));
  }
}
