package io.squadron.rpc.internal.permissions;

import static java.util.Objects.requireNonNull;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The permission stage: lets a call through when the current {@link PermissionPolicy} allows its {@link Caller} on its
 * method, else closes it with PERMISSION_DENIED (reason {@code CALLER_NOT_ALLOWED}) naming the method and the caller,
 * nothing about the policy, and counts it in {@value SecurityMetrics#DENIED}. {@link #update} swaps the policy
 * atomically: calls starting afterwards see the new one.
 */
public final class PermissionInterceptor implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(PermissionInterceptor.class);

  private final MeterRegistry registry;
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
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Caller caller = Caller.current();
    MethodDescriptor<ReqT, RespT> method = call.getMethodDescriptor();
    if (policy.allows(method, caller)) {
      return next.startCall(call, headers);
    }
    registry.counter(SecurityMetrics.DENIED, "service", String.valueOf(method.getServiceName()),
        "method", String.valueOf(method.getBareMethodName()), "caller", caller.name(),
        "reason", ErrorReason.CALLER_NOT_ALLOWED.name()).increment();
    StatusRuntimeException error = RpcErrors.of(Status.Code.PERMISSION_DENIED, ErrorReason.CALLER_NOT_ALLOWED,
        "caller '" + caller.name() + "' may not call " + method.getFullMethodName());
    call.close(error.getStatus(), error.getTrailers());
    return new ServerCall.Listener<>() {};
  }
}
