package io.squadron.rpc.internal.faults;

import static java.util.Objects.requireNonNull;

import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.RpcErrors;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Injects {@link FaultInjectionSettings}' faults into calls of one method: with probability {@code
 * errorRate} the call is closed with UNAVAILABLE (reason {@code FAULT_INJECTED}, a message saying
 * so) before the handler runs, so nothing is half done and a retry may succeed; every other call of
 * the method has its close delayed by the added latency (a share of the call's own duration, or a
 * fixed duration), on a scheduler of its own so no handler thread sleeps. It sits in the
 * APPLICATION stage, inside the metrics stage, so the service's own metrics show the faults as a
 * bad release's would be shown. Injected faults are counted in {@value #INJECTED}.
 */
public final class FaultInjectionInterceptor implements ServerInterceptor, AutoCloseable {
  /**
   * Counter of injected faults, by {@code method} and {@code fault} ({@code error}, {@code
   * latency}).
   */
  public static final String INJECTED = "squadron.rpc.server.faults.injected";

  private final FaultInjectionSettings settings;
  private final DoubleSupplier random;
  private final LongSupplier nanoTime;
  private final ScheduledExecutorService scheduler;
  private final Counter errors;
  private final Counter delays;

  /**
   * Injects {@code settings}' faults, drawing from {@code random} (uniform in [0, 1)) and timing
   * calls with {@code nanoTime}.
   */
  public FaultInjectionInterceptor(
      FaultInjectionSettings settings,
      MeterRegistry registry,
      DoubleSupplier random,
      LongSupplier nanoTime) {
    this.settings = requireNonNull(settings, "settings");
    this.random = requireNonNull(random, "random");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
    requireNonNull(registry, "registry");
    this.errors = counter(registry, "error");
    this.delays = counter(registry, "latency");
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "squadron-fault-injection");
              t.setDaemon(true);
              return t;
            });
  }

  private Counter counter(MeterRegistry registry, String fault) {
    return Counter.builder(INJECTED)
        .description("Faults injected on purpose by squadron.fault-injection")
        .tag("method", settings.method())
        .tag("fault", fault)
        .register(registry);
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!settings.method().equals(call.getMethodDescriptor().getFullMethodName())) {
      return next.startCall(call, headers);
    }
    if (settings.errorRate() > 0 && random.getAsDouble() < settings.errorRate()) {
      errors.increment();
      StatusRuntimeException error =
          RpcErrors.of(
              Status.Code.UNAVAILABLE,
              ErrorReason.FAULT_INJECTED,
              "fault injected on purpose by squadron.fault-injection on this instance ("
                  + settings.method()
                  + "); the call was not executed");
      call.close(error.getStatus(), error.getTrailers());
      return new ServerCall.Listener<>() {};
    }
    if (settings.addedLatencyFraction() == 0 && settings.addedLatencyFixed().isZero()) {
      return next.startCall(call, headers);
    }
    return next.startCall(new DelayedClose<>(call, nanoTime.getAsLong()), headers);
  }

  /** Stops the scheduler; calls whose close is pending are closed at once. */
  @Override
  public void close() {
    scheduler.shutdownNow().forEach(Runnable::run);
  }

  private final class DelayedClose<ReqT, RespT>
      extends ForwardingServerCall.SimpleForwardingServerCall<ReqT, RespT> {
    private final long startNanos;

    DelayedClose(ServerCall<ReqT, RespT> delegate, long startNanos) {
      super(delegate);
      this.startNanos = startNanos;
    }

    @Override
    public void close(Status status, Metadata trailers) {
      long delay =
          settings.addedLatencyFraction() > 0
              ? (long) ((nanoTime.getAsLong() - startNanos) * settings.addedLatencyFraction())
              : settings.addedLatencyFixed().toNanos();
      delays.increment();
      try {
        scheduler.schedule(() -> super.close(status, trailers), delay, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // Shutting down: no more delays.
        super.close(status, trailers);
      }
    }
  }
}
