package io.squadron.padlock.server.api;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.padlock.server.keys.KeyServiceException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.ExceptionMapper;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.store.StoreErrors;
import java.util.Optional;

/**
 * Maps Padlock's domain exceptions, and store failures (store-support's mapping: UNAVAILABLE with RetryInfo), to
 * statuses (registered with the server's error mapping).
 */
final class PadlockErrors implements ExceptionMapper {
  @Override
  public Optional<StatusRuntimeException> map(Throwable error) {
    Optional<StatusRuntimeException> store = StoreErrors.exceptionMapper().map(error);
    if (store.isPresent()) {
      return store;
    }
    if (error instanceof KeyServiceException e) {
      return Optional.of(switch (e.failure()) {
        case KEYS_DELETED -> RpcErrors.of(Status.Code.NOT_FOUND, PadlockGrpcService.KEYS_DELETED,
            "the user's keys were deleted and are never re-created");
        case USER_NOT_FOUND -> RpcErrors.of(Status.Code.NOT_FOUND, PadlockGrpcService.USER_KEYS_NOT_FOUND,
            "the user has no keys");
        case UNKNOWN_CATEGORY -> RpcErrors.invalidArgument("category", "unknown category");
        case CATEGORY_BLOCKED -> RpcErrors.of(Status.Code.FAILED_PRECONDITION, PadlockGrpcService.CATEGORY_BLOCKED,
            "the user blocked this category");
        default -> RpcErrors.of(Status.Code.INTERNAL, ErrorReason.INTERNAL_ERROR, e.getMessage());
      });
    }
    return Optional.empty();
  }
}
