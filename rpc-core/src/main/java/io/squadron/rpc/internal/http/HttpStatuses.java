package io.squadron.rpc.internal.http;

import io.grpc.Status;

/**
 * The HTTP status of a gRPC status code: the standard mapping (grpc-gateway's {@code
 * HTTPStatusFromCode}).
 */
final class HttpStatuses {
  private HttpStatuses() {}

  /** The HTTP status for {@code code}. */
  static int of(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case CANCELLED -> 499;
      case UNKNOWN, INTERNAL, DATA_LOSS -> 500;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case UNAUTHENTICATED -> 401;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
    };
  }
}
