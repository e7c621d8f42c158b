package io.squadron.rpc.internal.errors;

import static java.util.Objects.requireNonNull;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closes every call whose handler failed with the status {@link ErrorMapping} chooses: exceptions
 * thrown from the handler, and exceptions handed to {@code StreamObserver.onError} (which grpc-java
 * would send as a bare UNKNOWN). It also makes a second {@code close} a no-op, so a failing handler
 * cannot trip an IllegalStateException, and closes a call whose request did not parse with the
 * error {@link RequestValidation} found, before the handler sees it.
 */
public final class ExceptionMappingInterceptor implements ServerInterceptor {
  private final ErrorMapping mapping;
  private final RequestValidation validation;

  /**
   * Maps with {@code mapping}; rejects the stand-ins {@code validation}'s marshallers made for bad
   * requests.
   */
  public ExceptionMappingInterceptor(ErrorMapping mapping, RequestValidation validation) {
    this.mapping = requireNonNull(mapping, "mapping");
    this.validation = requireNonNull(validation, "validation");
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MappingCall<ReqT, RespT> mappingCall = new MappingCall<>(call, mapping);
    ServerCall.Listener<ReqT> delegate;
    try {
      delegate = next.startCall(mappingCall, headers);
    } catch (RuntimeException e) {
      mappingCall.fail(e);
      return new ServerCall.Listener<>() {};
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      private boolean rejected;

      @Override
      public void onMessage(ReqT message) {
        Optional<StatusRuntimeException> malformed = validation.rejection(message);
        if (malformed.isPresent()) {
          rejected = true;
          mappingCall.fail(malformed.get());
          return;
        }
        try {
          super.onMessage(message);
        } catch (RuntimeException e) {
          mappingCall.fail(e);
        }
      }

      @Override
      public void onHalfClose() {
        if (rejected) {
          return;
        }
        try {
          super.onHalfClose();
        } catch (RuntimeException e) {
          mappingCall.fail(e);
        }
      }

      @Override
      public void onReady() {
        try {
          super.onReady();
        } catch (RuntimeException e) {
          mappingCall.fail(e);
        }
      }
    };
  }

  private static final class MappingCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final ErrorMapping mapping;
    private final AtomicBoolean closed = new AtomicBoolean();

    MappingCall(ServerCall<ReqT, RespT> delegate, ErrorMapping mapping) {
      super(delegate);
      this.mapping = mapping;
    }

    void fail(Throwable error) {
      StatusRuntimeException mapped = mapping.toStatus(error);
      close(mapped.getStatus(), ErrorMapping.trailersOf(mapped));
    }

    @Override
    public void close(Status status, Metadata trailers) {
      if (!closed.compareAndSet(false, true)) {
        return;
      }
      Throwable cause = status.getCause();
      if (status.getCode() == Status.Code.UNKNOWN && cause != null) {
        // StreamObserver.onError(someException) arrives here as UNKNOWN carrying the exception.
        StatusRuntimeException mapped = mapping.toStatus(cause);
        Metadata merged = ErrorMapping.trailersOf(mapped);
        merged.merge(trailers);
        super.close(mapped.getStatus().withCause(null), merged);
        return;
      }
      super.close(status.withCause(null), trailers);
    }
  }
}
