package io.squadron.rpc.internal.metrics;

import static java.util.Objects.requireNonNull;

import io.grpc.Context;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.squadron.rpc.metrics.MetricsSettings;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Records every call a server receives: {@value #DURATION} (a timer: count, sum, histogram and
 * percentiles) tagged with service, method, caller and final status, and {@value #IN_FLIGHT} per
 * service and method.
 *
 * <p>It is the outermost stage, so calls rejected by the identity, permission or rate-limit stage
 * are counted with their status too (an error ratio read by alerts and canary analysis must see
 * them). The caller is not known yet when the call starts: the identity stage leaves it in a {@link
 * CallerSlot} that this stage reads when the call finishes. A call counts as finished when it is
 * closed or cancelled, whichever comes first, exactly once.
 */
public final class ServerMetricsInterceptor implements ServerInterceptor {
  /** Timer of received calls. */
  public static final String DURATION = "squadron.rpc.server.duration";

  /** Gauge of calls being handled. */
  public static final String IN_FLIGHT = "squadron.rpc.server.in.flight";

  private final MeterRegistry registry;
  private final MetricsSettings settings;
  private final LongSupplier nanoTime;
  private final ConcurrentMap<String, MethodMeters> byMethod = new ConcurrentHashMap<>();

  /**
   * Records into {@code registry}, timing with {@code nanoTime} (normally {@code
   * System::nanoTime}).
   */
  public ServerMetricsInterceptor(
      MeterRegistry registry, MetricsSettings settings, LongSupplier nanoTime) {
    this.registry = requireNonNull(registry, "registry");
    this.settings = requireNonNull(settings, "settings");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MethodMeters meters = meters(call.getMethodDescriptor());
    CallerSlot slot = new CallerSlot();
    CallRecord record = new CallRecord(meters, slot, nanoTime);
    ServerCall<ReqT, RespT> recording =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            // Recorded before the status goes out, so a caller that has seen its result finds the
            // call counted.
            record.finish(status.getCode());
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<ReqT> listener;
    // The slot need only be visible while the later stages start the call: the identity stage
    // writes it then.
    Context previous = Context.current().withValue(CallerSlot.KEY, slot).attach();
    try {
      listener = next.startCall(recording, headers);
    } catch (RuntimeException e) {
      record.finish(Status.Code.UNKNOWN);
      throw e;
    } finally {
      Context.current().detach(previous);
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          record.finish(Status.Code.CANCELLED);
        }
      }
    };
  }

  private MethodMeters meters(MethodDescriptor<?, ?> method) {
    MethodMeters meters = byMethod.get(method.getFullMethodName());
    if (meters == null) {
      meters =
          byMethod.computeIfAbsent(
              method.getFullMethodName(), n -> new MethodMeters(registry, method, settings));
    }
    return meters;
  }

  /** The meters of one method: an in-flight gauge, and timers per caller. */
  private static final class MethodMeters {
    final MeterRegistry registry;
    final Tags methodTags;
    final MetricsSettings settings;
    final AtomicInteger inFlight = new AtomicInteger();
    final ConcurrentMap<String, CallTimers> byCaller = new ConcurrentHashMap<>();

    MethodMeters(MeterRegistry registry, MethodDescriptor<?, ?> method, MetricsSettings settings) {
      this.registry = registry;
      this.settings = settings;
      this.methodTags =
          Tags.of(
              "service",
              String.valueOf(method.getServiceName()),
              "method",
              String.valueOf(method.getBareMethodName()));
      Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get).tags(methodTags).register(registry);
    }

    CallTimers timers(String caller) {
      CallTimers timers = byCaller.get(caller);
      if (timers == null) {
        timers =
            byCaller.computeIfAbsent(
                caller,
                c -> new CallTimers(registry, DURATION, methodTags.and("caller", c), settings));
      }
      return timers;
    }
  }

  private static final class CallRecord {
    private final MethodMeters meters;
    private final CallerSlot caller;
    private final LongSupplier nanoTime;
    private final long start;
    private final AtomicBoolean finished = new AtomicBoolean();

    CallRecord(MethodMeters meters, CallerSlot caller, LongSupplier nanoTime) {
      this.meters = meters;
      this.caller = caller;
      this.nanoTime = nanoTime;
      this.start = nanoTime.getAsLong();
      meters.inFlight.incrementAndGet();
    }

    void finish(Status.Code code) {
      if (finished.compareAndSet(false, true)) {
        meters.inFlight.decrementAndGet();
        meters
            .timers(caller.caller().name())
            .forCode(code)
            .record(nanoTime.getAsLong() - start, TimeUnit.NANOSECONDS);
      }
    }
  }
}
