package io.squadron.rpc.internal.permissions;

import static java.util.Objects.requireNonNull;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.identity.Caller;
import io.squadron.rpc.internal.metrics.SecurityMetrics;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The permission stage: lets a call through when the current {@link PermissionPolicy} allows its
 * {@link Caller} on its method, else closes it with PERMISSION_DENIED (reason {@code
 * CALLER_NOT_ALLOWED}) naming the method and the caller, nothing about the policy, and counts it in
 * {@value SecurityMetrics#DENIED}. {@link #update} swaps the policy atomically: calls starting
 * afterwards see the new one, and a streaming call still open (a long-lived stream) whose caller
 * the new policy no longer allows is closed with PERMISSION_DENIED at once. A unary call in flight
 * finishes under the policy it started with.
 */
public final class PermissionInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(PermissionInterceptor.class);

  private final MeterRegistry registry;
  private final Set<StreamingCall<?, ?>> openStreams = ConcurrentHashMap.newKeySet();
  private volatile PermissionPolicy policy;

  /** Enforces {@code policy}, counting denials in {@code registry}. */
  public PermissionInterceptor(PermissionPolicy policy, MeterRegistry registry) {
    this.policy = requireNonNull(policy, "policy");
    this.registry = requireNonNull(registry, "registry");
  }

  /** The policy in force. */
  public PermissionPolicy policy() {
    return policy;
  }

  /** Replaces the policy; calls that start from now on are checked against {@code newPolicy}. */
  public void update(PermissionPolicy newPolicy) {
    policy = requireNonNull(newPolicy, "newPolicy");
    log.info("permission policy updated: {} entries", newPolicy.entries().size());
    int revoked = 0;
    for (StreamingCall<?, ?> stream : openStreams) {
      if (!newPolicy.allows(stream.getMethodDescriptor(), stream.caller)) {
        deny(
            stream.caller,
            stream.getMethodDescriptor(),
            "caller '"
                + stream.caller.name()
                + "' may no longer call "
                + stream.getMethodDescriptor().getFullMethodName(),
            stream::revoke);
        revoked++;
      }
    }
    if (revoked > 0) {
      log.info("closed {} open stream(s) whose caller the new policy no longer allows", revoked);
    }
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Caller caller = Caller.current();
    MethodDescriptor<ReqT, RespT> method = call.getMethodDescriptor();
    if (!policy.allows(method, caller)) {
      deny(
          caller,
          method,
          "caller '" + caller.name() + "' may not call " + method.getFullMethodName(),
          (status, trailers) -> call.close(status, trailers));
      return new ServerCall.Listener<>() {};
    }
    if (method.getType() == MethodDescriptor.MethodType.UNARY) {
      return next.startCall(call, headers);
    }
    StreamingCall<ReqT, RespT> stream = new StreamingCall<>(call, caller, openStreams);
    openStreams.add(stream);
    // A policy change between the check above and the registration: check once more.
    if (!policy.allows(method, caller)) {
      openStreams.remove(stream);
      deny(
          caller,
          method,
          "caller '" + caller.name() + "' may not call " + method.getFullMethodName(),
          (status, trailers) -> call.close(status, trailers));
      return new ServerCall.Listener<>() {};
    }
    ServerCall.Listener<ReqT> listener = next.startCall(stream, headers);
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        openStreams.remove(stream);
        super.onComplete();
      }

      @Override
      public void onCancel() {
        openStreams.remove(stream);
        super.onCancel();
      }
    };
  }

  private void deny(
      Caller caller,
      MethodDescriptor<?, ?> method,
      String message,
      java.util.function.BiConsumer<Status, Metadata> close) {
    registry
        .counter(
            SecurityMetrics.DENIED,
            "service",
            String.valueOf(method.getServiceName()),
            "method",
            String.valueOf(method.getBareMethodName()),
            "caller",
            caller.name(),
            "reason",
            ErrorReason.CALLER_NOT_ALLOWED.name())
        .increment();
    StatusRuntimeException error =
        RpcErrors.of(Status.Code.PERMISSION_DENIED, ErrorReason.CALLER_NOT_ALLOWED, message);
    close.accept(error.getStatus(), error.getTrailers());
  }

  /**
   * A streaming call the policy may revoke from another thread: every use of the call is serialized
   * with the revocation, and after it the handler's sends and close are dropped (the handler sees
   * the call cancelled).
   */
  private static final class StreamingCall<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final Caller caller;
    private final Set<StreamingCall<?, ?>> registry;
    private boolean closed;
    private boolean revoked;

    StreamingCall(
        ServerCall<ReqT, RespT> delegate, Caller caller, Set<StreamingCall<?, ?>> registry) {
      super(delegate);
      this.caller = caller;
      this.registry = registry;
    }

    synchronized void revoke(Status status, Metadata trailers) {
      if (closed) {
        return;
      }
      closed = true;
      revoked = true;
      registry.remove(this);
      super.close(status, trailers);
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (closed) {
        return;
      }
      closed = true;
      registry.remove(this);
      super.close(status, trailers);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        super.sendHeaders(headers);
      }
    }

    @Override
    public synchronized void sendMessage(RespT message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void request(int numMessages) {
      if (!closed) {
        super.request(numMessages);
      }
    }

    @Override
    public synchronized boolean isReady() {
      return !closed && super.isReady();
    }

    @Override
    public synchronized boolean isCancelled() {
      return revoked || super.isCancelled();
    }
  }
}
