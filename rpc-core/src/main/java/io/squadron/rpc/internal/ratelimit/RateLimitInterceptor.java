package io.squadron.rpc.internal.ratelimit;

import static java.util.Objects.requireNonNull;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.identity.Caller;
import io.squadron.rpc.internal.metrics.SecurityMetrics;
import java.time.Duration;

/**
 * The rate-limit stage: takes a token from the (caller, method) bucket, or closes the call with
 * RESOURCE_EXHAUSTED carrying {@code google.rpc.RetryInfo} (when a token will be free) and {@code
 * ErrorInfo} reason {@code RATE_LIMITED}, counted in {@value SecurityMetrics#RATE_LIMITED}. Tokens
 * are not given back: a token bucket limits the rate of calls, not their concurrency, so there is
 * nothing to release.
 */
public final class RateLimitInterceptor implements ServerInterceptor {
  /** Gauge of the buckets held. */
  public static final String BUCKETS = "squadron.rpc.server.rate.limit.buckets";

  private final RateLimiter limiter;
  private final MeterRegistry registry;

  /** Enforces {@code limiter}, counting rejections in {@code registry}. */
  public RateLimitInterceptor(RateLimiter limiter, MeterRegistry registry) {
    this.limiter = requireNonNull(limiter, "limiter");
    this.registry = requireNonNull(registry, "registry");
    Gauge.builder(BUCKETS, limiter, RateLimiter::bucketCount).register(registry);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    Caller caller = Caller.current();
    MethodDescriptor<ReqT, RespT> method = call.getMethodDescriptor();
    long waitNanos =
        limiter.tryAcquire(caller.name(), method.getFullMethodName(), method.getServiceName());
    if (waitNanos == 0) {
      return next.startCall(call, headers);
    }
    registry
        .counter(
            SecurityMetrics.RATE_LIMITED,
            "service",
            String.valueOf(method.getServiceName()),
            "method",
            String.valueOf(method.getBareMethodName()),
            "caller",
            caller.name())
        .increment();
    StatusRuntimeException error =
        RpcErrors.resourceExhausted(
            ErrorReason.RATE_LIMITED,
            "caller '"
                + caller.name()
                + "' is over its rate limit for "
                + method.getFullMethodName()
                + " on this instance",
            Duration.ofNanos(waitNanos));
    call.close(error.getStatus(), error.getTrailers());
    return new ServerCall.Listener<>() {};
  }
}
