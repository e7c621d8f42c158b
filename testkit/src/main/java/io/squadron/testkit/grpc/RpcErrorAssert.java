package io.squadron.testkit.grpc;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.ProtocolMessageEnum;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a failed call's status and its {@code google.rpc} details, as a client in any
 * language would read them:
 *
 * <pre>{@code
 * RpcErrorAssert.assertThatCall(() -> stub.shuffle(bad))
 *     .hasCode(Status.Code.INVALID_ARGUMENT)
 *     .hasReason(ErrorReason.INVALID_FIELD)
 *     .hasBadField("tracks[1].artist_id");
 * }</pre>
 */
public final class RpcErrorAssert extends AbstractAssert<RpcErrorAssert, StatusRuntimeException> {
  private final com.google.rpc.Status status;

  private RpcErrorAssert(StatusRuntimeException actual) {
    super(actual, RpcErrorAssert.class);
    com.google.rpc.Status details = StatusProto.fromThrowable(actual);
    this.status =
        details != null
            ? details
            : com.google.rpc.Status.newBuilder()
                .setCode(actual.getStatus().getCode().value())
                .build();
  }

  /** Runs {@code call}, which must fail with a gRPC status, and asserts on that failure. */
  public static RpcErrorAssert assertThatCall(Runnable call) {
    requireNonNull(call, "call");
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return new RpcErrorAssert(e);
    }
    throw new AssertionError("expected the call to fail with a gRPC status, but it succeeded");
  }

  /** Asserts on {@code error}. */
  public static RpcErrorAssert assertThatError(StatusRuntimeException error) {
    return new RpcErrorAssert(requireNonNull(error, "error"));
  }

  /** Asserts on one item's {@code google.rpc.Status} in a batch response. */
  public static RpcErrorAssert assertThatItem(com.google.rpc.Status item) {
    return new RpcErrorAssert(StatusProto.toStatusRuntimeException(requireNonNull(item, "item")));
  }

  /** The failure itself, for assertions of a test's own. */
  public StatusRuntimeException error() {
    return actual;
  }

  public RpcErrorAssert hasCode(Status.Code code) {
    if (actual.getStatus().getCode() != code) {
      failWithMessage(
          "expected status %s but was %s: %s",
          code, actual.getStatus().getCode(), actual.getStatus().getDescription());
    }
    return this;
  }

  /**
   * The {@code ErrorInfo} reason is {@code reason}'s name (a shared or a service's own proto enum).
   */
  public RpcErrorAssert hasReason(ProtocolMessageEnum reason) {
    String expected = reason.getValueDescriptor().getName();
    Optional<ErrorInfo> info = errorInfo(status);
    if (info.isEmpty()) {
      failWithMessage(
          "expected ErrorInfo reason %s but the status has no ErrorInfo (%s)",
          expected, actual.getStatus());
    } else if (!info.get().getReason().equals(expected)) {
      failWithMessage(
          "expected ErrorInfo reason %s but was %s (%s)",
          expected, info.get().getReason(), actual.getStatus().getDescription());
    }
    return this;
  }

  /** A {@code BadRequest} field violation names {@code field}. */
  public RpcErrorAssert hasBadField(String field) {
    List<String> fields = badFields(status);
    if (!fields.contains(field)) {
      failWithMessage(
          "expected a BadRequest violation of %s but the violations are %s (%s)",
          field, fields, actual.getStatus().getDescription());
    }
    return this;
  }

  /** A {@code RetryInfo} asks for a delay greater than zero and at most {@code atMost}. */
  public RpcErrorAssert hasRetryDelayAtMost(Duration atMost) {
    Optional<Duration> delay = retryDelay(status);
    if (delay.isEmpty()) {
      failWithMessage("expected RetryInfo but the status has none (%s)", actual.getStatus());
    } else if (delay.get().isZero() || delay.get().compareTo(atMost) > 0) {
      failWithMessage("expected a retry delay in (0, %s] but was %s", atMost, delay.get());
    }
    return this;
  }

  /** The status description contains {@code text}. */
  public RpcErrorAssert hasMessageContaining(String text) {
    String description = String.valueOf(actual.getStatus().getDescription());
    if (!description.contains(text)) {
      failWithMessage("expected the description to contain '%s' but was '%s'", text, description);
    }
    return this;
  }

  /**
   * The status description does not contain {@code text} (a name, an address, a secret), ignoring
   * case.
   */
  public RpcErrorAssert hasMessageNotContaining(String text) {
    String description = String.valueOf(actual.getStatus().getDescription());
    if (description
        .toLowerCase(java.util.Locale.ROOT)
        .contains(text.toLowerCase(java.util.Locale.ROOT))) {
      failWithMessage(
          "expected the description not to contain '%s' but was '%s'", text, description);
    }
    return this;
  }

  /** The {@code ErrorInfo} of {@code status}, if it carries one. */
  public static Optional<ErrorInfo> errorInfo(com.google.rpc.Status status) {
    return detail(status, ErrorInfo.class);
  }

  /** The fields named by the {@code BadRequest} of {@code status}. */
  public static List<String> badFields(com.google.rpc.Status status) {
    return detail(status, BadRequest.class)
        .map(
            b ->
                b.getFieldViolationsList().stream()
                    .map(BadRequest.FieldViolation::getField)
                    .toList())
        .orElse(List.of());
  }

  /** The delay asked by the {@code RetryInfo} of {@code status}, if it carries one. */
  public static Optional<Duration> retryDelay(com.google.rpc.Status status) {
    return detail(status, RetryInfo.class)
        .map(r -> Duration.ofSeconds(r.getRetryDelay().getSeconds(), r.getRetryDelay().getNanos()));
  }

  private static <T extends Message> Optional<T> detail(
      com.google.rpc.Status status, Class<T> type) {
    for (Any any : status.getDetailsList()) {
      if (any.is(type)) {
        try {
          return Optional.of(any.unpack(type));
        } catch (InvalidProtocolBufferException e) {
          throw new AssertionError("a " + type.getSimpleName() + " detail does not parse", e);
        }
      }
    }
    return Optional.empty();
  }
}
