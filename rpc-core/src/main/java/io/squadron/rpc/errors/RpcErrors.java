package io.squadron.rpc.errors;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
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
 * Builds the errors handlers throw: a gRPC status whose trailers carry a {@code google.rpc.Status} with an
 * {@link ErrorInfo} (domain {@value #DOMAIN}, a machine-readable reason) and, where they apply, {@link BadRequest} field
 * violations or {@link RetryInfo}. Messages are for the caller: never put secrets or personal data in them.
 */
public final class RpcErrors {
  /** The {@code ErrorInfo.domain} of every Squadron error. */
  public static final String DOMAIN = "squadron.io";

  private RpcErrors() {}

  /** INVALID_ARGUMENT for one bad field, e.g. {@code invalidArgument("tracks[3].artist_id", "must not be empty")}. */
  public static StatusRuntimeException invalidArgument(String field, String problem) {
    return invalidArguments().field(field, problem).build();
  }

  /** A builder for INVALID_ARGUMENT with several field violations. */
  public static InvalidArgumentBuilder invalidArguments() {
    return new InvalidArgumentBuilder();
  }

  /** RESOURCE_EXHAUSTED telling the caller when a retry may succeed. */
  public static StatusRuntimeException resourceExhausted(String reason, String message, Duration retryAfter) {
    return of(Status.Code.RESOURCE_EXHAUSTED, reason, message, retryInfo(retryAfter));
  }

  /** RetryInfo with the given delay, rounded up to whole milliseconds. */
  public static RetryInfo retryInfo(Duration retryAfter) {
    long millis = Math.max(1, (retryAfter.toNanos() + 999_999) / 1_000_000);
    return RetryInfo.newBuilder()
        .setRetryDelay(com.google.protobuf.Duration.newBuilder()
            .setSeconds(millis / 1000)
            .setNanos((int) (millis % 1000) * 1_000_000))
        .build();
  }

  /** An error with a shared reason. */
  public static StatusRuntimeException of(Status.Code code, ErrorReason reason, String message, Message... details) {
    return of(code, reason.name(), message, details);
  }

  /**
   * An error with a service-specific reason (UPPER_SNAKE_CASE, e.g. {@code NOT_STABLE}) and optional extra details.
   */
  public static StatusRuntimeException of(Status.Code code, String reason, String message, Message... details) {
    requireNonNull(code, "code");
    requireNonNull(reason, "reason");
    requireNonNull(message, "message");
    com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
        .setCode(code.value())
        .setMessage(message)
        .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(reason).build()));
    for (Message detail : details) {
      status.addDetails(Any.pack(detail));
    }
    return StatusProto.toStatusRuntimeException(status.build());
  }

  /** Collects field violations for one INVALID_ARGUMENT. */
  public static final class InvalidArgumentBuilder {
    private final List<BadRequest.FieldViolation> violations = new ArrayList<>();

    private InvalidArgumentBuilder() {}

    /** Adds a violation: {@code field} is the path in the request, {@code problem} says what a caller must fix. */
    public InvalidArgumentBuilder field(String field, String problem) {
      violations.add(BadRequest.FieldViolation.newBuilder()
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
      return of(Status.Code.INVALID_ARGUMENT, ErrorReason.INVALID_FIELD, message.toString(),
          BadRequest.newBuilder().addAllFieldViolations(violations).build());
    }
  }
}
