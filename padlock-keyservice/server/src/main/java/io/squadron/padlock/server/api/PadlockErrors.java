package io.squadron.padlock.server.api;

import static java.util.Objects.requireNonNull;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.padlock.server.keys.Categories;
import io.squadron.padlock.server.keys.KeyOutcome;
import io.squadron.padlock.server.keys.KeyServiceException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.proto.padlock.v1.PadlockErrorReason;
import io.squadron.rpc.errors.ExceptionMapper;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.store.StoreErrors;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one place where Padlock's failures become statuses: each {@link KeyOutcome.Failure} has one
 * {@code google.rpc.Status} (code, message, ErrorInfo reason from {@link PadlockErrorReason} or the
 * platform's {@link ErrorReason}), used both for a failed item of GetDerivedKeys and for a failed
 * call; store failures go through store-support's mapping (UNAVAILABLE with RetryInfo). Messages
 * never carry a user id or a key.
 */
final class PadlockErrors implements ExceptionMapper {
  private final Map<KeyOutcome.Failure, com.google.rpc.Status> statuses =
      new EnumMap<>(KeyOutcome.Failure.class);

  PadlockErrors(Categories categories) {
    requireNonNull(categories, "categories");
    for (KeyOutcome.Failure failure : KeyOutcome.Failure.values()) {
      statuses.put(failure, statusOf(failure, categories));
    }
  }

  /** The status of {@code failure} (built once per failure kind: batches reuse it). */
  com.google.rpc.Status status(KeyOutcome.Failure failure) {
    return statuses.get(failure);
  }

  @Override
  public Optional<StatusRuntimeException> map(Throwable error) {
    Optional<StatusRuntimeException> store = StoreErrors.exceptionMapper().map(error);
    if (store.isPresent()) {
      return store;
    }
    if (error instanceof KeyServiceException e) {
      return Optional.of(StatusProto.toStatusRuntimeException(status(e.failure())));
    }
    return Optional.empty();
  }

  private static com.google.rpc.Status statusOf(KeyOutcome.Failure failure, Categories categories) {
    return switch (failure) {
      case UNKNOWN_CATEGORY ->
          RpcErrors.invalidFieldStatus(
              "category",
              "unknown category (expected: one of " + categories.currentVersions().keySet() + ")");
      case UNKNOWN_VERSION ->
          RpcErrors.invalidFieldStatus("key_version", "no such version of this category");
      case USER_NOT_FOUND ->
          RpcErrors.status(
              Status.Code.NOT_FOUND,
              PadlockErrorReason.USER_KEYS_NOT_FOUND,
              "the user has no keys");
      case KEYS_DELETED ->
          RpcErrors.status(
              Status.Code.NOT_FOUND,
              PadlockErrorReason.KEYS_DELETED,
              "the user's keys were deleted and are never re-created; data encrypted under them cannot be read");
      case CATEGORY_BLOCKED ->
          RpcErrors.status(
              Status.Code.FAILED_PRECONDITION,
              PadlockErrorReason.CATEGORY_BLOCKED,
              "the user blocked this category");
      case STORE_UNAVAILABLE ->
          RpcErrors.status(
              Status.Code.UNAVAILABLE,
              ErrorReason.DEPENDENCY_UNAVAILABLE,
              "the key store is unavailable and the user is not cached; nothing was retried, retry later",
              RpcErrors.retryInfo(StoreErrors.RETRY_DELAY));
      case ROOT_UNREADABLE ->
          RpcErrors.status(
              Status.Code.INTERNAL,
              ErrorReason.INTERNAL_ERROR,
              "the user's stored root cannot be read by this server");
    };
  }
}
