package io.squadron.journeys.platform;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;

/**
 * A failed call to the platform, over gRPC or HTTP/JSON, reduced to what a client decides on: the
 * gRPC code, the {@code ErrorInfo} reason, and whether the request may have reached the server (a
 * connection that was never made did not).
 */
public final class CallFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Status.Code code;
  private final String reason;
  private final boolean maybeApplied;

  /** A failure with {@code code}, an ErrorInfo {@code reason} (empty when none) and a message. */
  public CallFailure(Status.Code code, String reason, String message, boolean maybeApplied) {
    super(code + (reason.isEmpty() ? "" : " " + reason) + ": " + message, null, false, false);
    this.code = code;
    this.reason = reason;
    this.maybeApplied = maybeApplied;
  }

  /** {@code e} as a failure: its code, its ErrorInfo reason. */
  public static CallFailure of(StatusRuntimeException e) {
    String reason = "";
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status != null) {
      for (com.google.protobuf.Any detail : status.getDetailsList()) {
        if (detail.is(com.google.rpc.ErrorInfo.class)) {
          try {
            reason = detail.unpack(com.google.rpc.ErrorInfo.class).getReason();
          } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
            // A detail that does not parse carries no reason.
          }
        }
      }
    }
    String message = Optional.ofNullable(e.getStatus().getDescription()).orElse("");
    return new CallFailure(e.getStatus().getCode(), reason, message, true);
  }

  /** The gRPC code. */
  public Status.Code code() {
    return code;
  }

  /** The ErrorInfo reason, empty when none. */
  public String reason() {
    return reason;
  }

  /** False only when the request certainly never reached a server. */
  public boolean maybeApplied() {
    return maybeApplied;
  }

  /**
   * Whether trying again later may succeed: the service or one of its dependencies was unavailable,
   * the call ran out of time, or was rate limited.
   */
  public boolean transientFailure() {
    return switch (code) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED -> true;
      default -> false;
    };
  }
}
