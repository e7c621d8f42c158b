package io.squadron.rpc.internal.errors;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.ExceptionMapper;
import io.squadron.rpc.errors.RpcErrors;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where an exception becomes a status and trailers. Statuses thrown on purpose pass
 * through unchanged; known exceptions go through the service's mappers; anything else is an
 * INTERNAL error whose message is only an id, logged here with its stack trace, so nothing internal
 * ever reaches the wire.
 */
public final class ErrorMapping {
  private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

  private final List<ExceptionMapper> mappers;

  /** Uses {@code mappers} in order before the built-in rules. */
  public ErrorMapping(List<ExceptionMapper> mappers) {
    this.mappers = List.copyOf(requireNonNull(mappers, "mappers"));
  }

  /** The status and trailers to close a call with, for {@code error}. */
  public StatusRuntimeException toStatus(Throwable error) {
    if (error instanceof StatusRuntimeException e) {
      return e;
    }
    if (error instanceof StatusException e) {
      return new StatusRuntimeException(e.getStatus(), e.getTrailers());
    }
    for (ExceptionMapper mapper : mappers) {
      Optional<StatusRuntimeException> mapped = mapper.map(error);
      if (mapped.isPresent()) {
        return mapped.get();
      }
    }
    if (error instanceof CancellationException || Context.current().isCancelled()) {
      return Status.CANCELLED.withDescription("call cancelled").asRuntimeException();
    }
    String errorId = UUID.randomUUID().toString();
    log.error("internal error {} while handling a call", errorId, error);
    return RpcErrors.of(
        Status.Code.INTERNAL,
        ErrorReason.INTERNAL_ERROR,
        "internal error; quote error id " + errorId + " when reporting it");
  }

  /** Trailers of {@code e}, never null. */
  static Metadata trailersOf(StatusRuntimeException e) {
    Metadata trailers = e.getTrailers();
    return trailers == null ? new Metadata() : trailers;
  }
}
