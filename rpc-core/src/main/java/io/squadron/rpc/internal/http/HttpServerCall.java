package io.squadron.rpc.internal.http;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request as a gRPC server call: it is started through the method's {@link
 * ServerCallHandler}, the very chain gRPC calls pass (metrics, identity, permission, rate limit,
 * error mapping, the handler), with the request message already transcoded. The handler's response
 * or status is handed to a {@link Responder}, which writes the HTTP response.
 *
 * <p>As in grpc-java's server: the call runs in a cancellable {@link Context} with the request
 * timeout as deadline; listener methods are never called concurrently; after the response is
 * written the listener hears {@code onComplete}, or {@code onCancel} when the client went away or
 * the deadline passed first.
 */
final class HttpServerCall<ReqT, RespT> extends ServerCall<ReqT, RespT> {
  private static final Logger log = LoggerFactory.getLogger(HttpServerCall.class);

  /** Writes the HTTP response of a finished call. */
  interface Responder {
    /**
     * Writes {@code response} (null unless {@code status} is OK) or the error, then runs {@code
     * written} with whether the response reached the connection.
     */
    void respond(
        Status status,
        Metadata trailers,
        Object response,
        java.util.function.Consumer<Boolean> written);
  }

  private final MethodDescriptor<ReqT, RespT> method;
  private final Attributes attributes;
  private final String authority;
  private final Executor executor;
  private final Context.CancellableContext context;
  private final Responder responder;
  private final AtomicBoolean closeCalled = new AtomicBoolean();
  private final AtomicBoolean answered = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile RespT response;
  private Listener<ReqT> listener;

  HttpServerCall(
      MethodDescriptor<ReqT, RespT> method,
      Attributes attributes,
      String authority,
      Executor executor,
      Context.CancellableContext context,
      Responder responder) {
    this.method = method;
    this.attributes = attributes;
    this.authority = authority;
    this.executor = executor;
    this.context = context;
    this.responder = responder;
  }

  /**
   * Starts the call with {@code request} (a real request or the stand-in for one that did not
   * transcode).
   */
  void start(ServerCallHandler<ReqT, RespT> handler, Metadata headers, ReqT request) {
    context.addListener(c -> onContextCancelled(), Runnable::run);
    executor.execute(
        () ->
            context.run(
                () -> {
                  synchronized (this) {
                    try {
                      listener = handler.startCall(this, headers);
                      if (!answered.get()) {
                        listener.onReady();
                        listener.onMessage(request);
                      }
                      if (!answered.get()) {
                        listener.onHalfClose();
                      }
                    } catch (RuntimeException e) {
                      // The error-mapping stage maps the handler's exceptions; this is one thrown
                      // before it (a bug).
                      log.error(
                          "HTTP call to {} failed before the error-mapping stage",
                          method.getFullMethodName(),
                          e);
                      if (!closeCalled.get()) {
                        close(Status.INTERNAL.withDescription("internal error"), new Metadata());
                      }
                    }
                  }
                }));
  }

  @Override
  public void request(int numMessages) {
    // The one request message is delivered at start.
  }

  @Override
  public void sendHeaders(Metadata headers) {
    // HTTP/JSON answers carry no gRPC response headers.
  }

  @Override
  public void sendMessage(RespT message) {
    if (closeCalled.get()) {
      throw new IllegalStateException("call already closed");
    }
    if (response != null) {
      throw new IllegalStateException("a unary call answers once");
    }
    response = message;
  }

  @Override
  public void close(Status status, Metadata trailers) {
    if (!closeCalled.compareAndSet(false, true)) {
      throw new IllegalStateException("call already closed");
    }
    if (!answered.compareAndSet(false, true)) {
      return; // cancelled first (deadline, client gone): like a gRPC stream already reset, nothing
      // to send
    }
    responder.respond(
        status, trailers, status.isOk() ? response : null, written -> finish(written));
  }

  /** The client went away before the answer: the call is cancelled. */
  void cancel() {
    context.cancel(null);
  }

  private void onContextCancelled() {
    if (answered.compareAndSet(false, true)) {
      // Not answered yet: the deadline passed, or the client left. Answer if the connection is
      // still there.
      Status status =
          context.getDeadline() != null && context.getDeadline().isExpired()
              ? Status.DEADLINE_EXCEEDED.withDescription(
                  "the call ran longer than the request timeout")
              : Status.CANCELLED.withDescription("call cancelled");
      responder.respond(status, new Metadata(), null, written -> finish(false));
    }
  }

  private void finish(boolean delivered) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    executor.execute(
        () ->
            context.run(
                () -> {
                  synchronized (this) {
                    try {
                      if (listener != null) {
                        if (delivered) {
                          listener.onComplete();
                        } else {
                          listener.onCancel();
                        }
                      }
                    } catch (RuntimeException e) {
                      log.warn(
                          "listener of {} failed on completion: {}",
                          method.getFullMethodName(),
                          e.toString());
                    } finally {
                      context.cancel(null); // as grpc-java: the call's context ends with the call
                    }
                  }
                }));
  }

  @Override
  public boolean isCancelled() {
    return context.isCancelled();
  }

  @Override
  public boolean isReady() {
    return !answered.get();
  }

  @Override
  public MethodDescriptor<ReqT, RespT> getMethodDescriptor() {
    return method;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public String getAuthority() {
    return authority;
  }
}
