package io.squadron.rpc.errors;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.ProtocolMessageEnum;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.proto.common.v1.ErrorReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the errors handlers throw: a gRPC status whose trailers carry a {@code google.rpc.Status}
 * with an {@link ErrorInfo} (domain {@value #DOMAIN}, a machine-readable reason) and, where they
 * apply, {@link BadRequest} field violations or {@link RetryInfo}. Messages are for the caller:
 * never put secrets or personal data in them.
 */
public final class RpcErrors {
  /** The {@code ErrorInfo.domain} of every Squadron error. */
  public static final String DOMAIN = "squadron.io";

  private RpcErrors() {}

  /**
   * INVALID_ARGUMENT for one bad field, e.g. {@code invalidArgument("tracks[3].artist_id", "must
   * not be empty")}.
   */
  public static StatusRuntimeException invalidArgument(String field, String problem) {
    return invalidArguments().field(field, problem).build();
  }

  /** A builder for INVALID_ARGUMENT with several field violations. */
  public static InvalidArgumentBuilder invalidArguments() {
    return new InvalidArgumentBuilder();
  }

  /** RESOURCE_EXHAUSTED telling the caller when a retry may succeed. */
  public static StatusRuntimeException resourceExhausted(
      ProtocolMessageEnum reason, String message, Duration retryAfter) {
    return of(Status.Code.RESOURCE_EXHAUSTED, reason, message, retryInfo(retryAfter));
  }

  /** RetryInfo with the given delay, rounded up to whole milliseconds. */
  public static RetryInfo retryInfo(Duration retryAfter) {
    long millis = Math.max(1, (retryAfter.toNanos() + 999_999) / 1_000_000);
    return RetryInfo.newBuilder()
        .setRetryDelay(
            com.google.protobuf.Duration.newBuilder()
                .setSeconds(millis / 1000)
                .setNanos((int) (millis % 1000) * 1_000_000))
        .build();
  }

  /**
   * An error with a reason from a proto enum: {@link ErrorReason} for the platform's shared
   * reasons, or a service's own enum (e.g. {@code UserdbErrorReason}); clients match reasons by the
   * enum, never by a hand-written string.
   */
  public static StatusRuntimeException of(
      Status.Code code, ProtocolMessageEnum reason, String message, Message... details) {
    return StatusProto.toStatusRuntimeException(status(code, reason, message, details));
  }

  /**
   * The {@code google.rpc.Status} of an error, for one item of a batch response whose items succeed
   * or fail on their own: the same code, message and details a call failing that way would carry.
   */
  public static com.google.rpc.Status status(
      Status.Code code, ProtocolMessageEnum reason, String message, Message... details) {
    requireNonNull(code, "code");
    requireNonNull(reason, "reason");
    requireNonNull(message, "message");
    if (code == Status.Code.OK) {
      throw new IllegalArgumentException("code: OK (expected: an error code)");
    }
    com.google.rpc.Status.Builder status =
        com.google.rpc.Status.newBuilder()
            .setCode(code.value())
            .setMessage(message)
            .addDetails(Any.pack(errorInfo(reason)));
    for (Message detail : details) {
      status.addDetails(Any.pack(detail));
    }
    return status.build();
  }

  /** The {@code google.rpc.Status} of one bad field, for one item of a batch response. */
  public static com.google.rpc.Status invalidFieldStatus(String field, String problem) {
    return invalidArguments().field(field, problem).status();
  }

  /** The {@code ErrorInfo} of {@code reason}: domain {@value #DOMAIN}, the enum value's name. */
  public static ErrorInfo errorInfo(ProtocolMessageEnum reason) {
    requireNonNull(reason, "reason");
    return ErrorInfo.newBuilder()
        .setDomain(DOMAIN)
        .setReason(reason.getValueDescriptor().getName())
        .build();
  }

  /** Collects field violations for one INVALID_ARGUMENT. */
  public static final class InvalidArgumentBuilder {
    private final List<BadRequest.FieldViolation> violations = new ArrayList<>();

    private InvalidArgumentBuilder() {}

    /**
     * Adds a violation: {@code field} is the path in the request, {@code problem} says what a
     * caller must fix.
     */
    public InvalidArgumentBuilder field(String field, String problem) {
      violations.add(
          BadRequest.FieldViolation.newBuilder()
              .setField(requireNonNull(field, "field"))
              .setDescription(requireNonNull(problem, "problem"))
              .build());
      return this;
    }

    /** Whether any violation was added. */
    public boolean isEmpty() {
      return violations.isEmpty();
    }

    /** The error; its message lists every violation as {@code field: problem}. */
    public StatusRuntimeException build() {
      return StatusProto.toStatusRuntimeException(status());
    }

    /** The error as a {@code google.rpc.Status} (for one item of a batch response). */
    public com.google.rpc.Status status() {
      if (violations.isEmpty()) {
        throw new IllegalStateException("no field violation added");
      }
      StringBuilder message = new StringBuilder();
      for (BadRequest.FieldViolation v : violations) {
        if (message.length() > 0) {
          message.append("; ");
        }
        message.append(v.getField()).append(": ").append(v.getDescription());
      }
      return RpcErrors.status(
          Status.Code.INVALID_ARGUMENT,
          ErrorReason.INVALID_FIELD,
          message.toString(),
          BadRequest.newBuilder().addAllFieldViolations(violations).build());
    }
  }
}
