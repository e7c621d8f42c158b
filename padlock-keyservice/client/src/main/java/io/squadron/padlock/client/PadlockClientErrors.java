package io.squadron.padlock.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.padlock.v1.PadlockErrorReason;
import io.squadron.rpc.errors.ExceptionMapper;
import io.squadron.rpc.errors.RpcErrors;
import java.time.Duration;
import java.util.Optional;

/**
 * How a service that encrypts with Padlock answers its own callers when no key came: the user's
 * keys deleted, never created, or the category blocked is FAILED_PRECONDITION with Padlock's reason
 * (the request cannot succeed for this user); Padlock unreachable is UNAVAILABLE with RetryInfo
 * (the client may retry later). Anything else (an unknown category, a permission Padlock refused)
 * is the calling service's own bug: left to the server's INTERNAL mapping, which logs it with an
 * error id. Register it with {@code service.server().exceptionMapper(...)}.
 */
public final class PadlockClientErrors {
  /** How long a caller should wait before retrying when Padlock was unavailable. */
  public static final Duration RETRY_DELAY = Duration.ofSeconds(1);

  private PadlockClientErrors() {}

  /** The mapper. */
  public static ExceptionMapper exceptionMapper() {
    return PadlockClientErrors::map;
  }

  private static Optional<StatusRuntimeException> map(Throwable error) {
    if (!(error instanceof PadlockKeyException e)) {
      return Optional.empty();
    }
    return switch (e.reason()) {
      case KEYS_DELETED ->
          Optional.of(
              RpcErrors.of(
                  Status.Code.FAILED_PRECONDITION,
                  PadlockErrorReason.KEYS_DELETED,
                  "the user's keys were deleted: their data cannot be read or written any more"));
      case USER_KEYS_NOT_FOUND ->
          Optional.of(
              RpcErrors.of(
                  Status.Code.FAILED_PRECONDITION,
                  PadlockErrorReason.USER_KEYS_NOT_FOUND,
                  "the user has no keys (not signed up)"));
      case CATEGORY_BLOCKED ->
          Optional.of(
              RpcErrors.of(
                  Status.Code.FAILED_PRECONDITION,
                  PadlockErrorReason.CATEGORY_BLOCKED,
                  "the user blocked this kind of data"));
      case UNAVAILABLE ->
          Optional.of(
              RpcErrors.of(
                  Status.Code.UNAVAILABLE,
                  ErrorReason.DEPENDENCY_UNAVAILABLE,
                  "the key service is unavailable; retry later",
                  RpcErrors.retryInfo(RETRY_DELAY)));
      case INVALID, OTHER -> Optional.empty();
    };
  }
}
