package io.squadron.rpc.internal.metrics;

import static java.util.Objects.requireNonNull;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.squadron.rpc.metrics.MetricsSettings;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Records every call a client makes to one target service: {@value #DURATION} tagged with target,
 * service, method and status (count, sum, histogram, percentiles).
 */
public final class ClientMetricsInterceptor implements ClientInterceptor {
  /** Timer of client calls. */
  public static final String DURATION = "squadron.rpc.client.duration";

  private final MeterRegistry registry;
  private final String target;
  private final MetricsSettings settings;
  private final LongSupplier nanoTime;
  private final ConcurrentMap<String, CallTimers> byMethod = new ConcurrentHashMap<>();

  /** Records calls to the service named {@code target} in client configuration. */
  public ClientMetricsInterceptor(
      MeterRegistry registry, String target, MetricsSettings settings, LongSupplier nanoTime) {
    this.registry = requireNonNull(registry, "registry");
    this.target = requireNonNull(target, "target");
    this.settings = requireNonNull(settings, "settings");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    CallTimers timers = byMethod.get(method.getFullMethodName());
    if (timers == null) {
      timers =
          byMethod.computeIfAbsent(
              method.getFullMethodName(),
              k ->
                  new CallTimers(
                      registry,
                      DURATION,
                      Tags.of(
                          "target",
                          target,
                          "service",
                          String.valueOf(method.getServiceName()),
                          "method",
                          String.valueOf(method.getBareMethodName())),
                      settings));
    }
    CallTimers methodTimers = timers;
    return new ForwardingClientCall.SimpleForwardingClientCall<>(
        next.newCall(method, callOptions)) {
      @Override
      public void start(Listener<RespT> responseListener, Metadata headers) {
        long start = nanoTime.getAsLong();
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(
                responseListener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                methodTimers
                    .forCode(status.getCode())
                    .record(nanoTime.getAsLong() - start, TimeUnit.NANOSECONDS);
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }
}
