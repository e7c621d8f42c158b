package io.squadron.rpc.internal.metrics;

import io.squadron.rpc.metrics.MetricsSettings;
import static java.util.Objects.requireNonNull;

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
import io.squadron.rpc.identity.Caller;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Records every call a server handles: {@value #DURATION} (a timer: count, sum, histogram and percentiles) tagged with
 * service, method, caller and status, and {@value #IN_FLIGHT} per service, method and caller.
 *
 * <p>Runs after the identity stage, so the caller is known. A call counts as finished when it is closed or cancelled,
 * whichever comes first, exactly once.
 */
public final class ServerMetricsInterceptor implements ServerInterceptor {
  /** Timer of handled calls. */
  public static final String DURATION = "squadron.rpc.server.duration";
  /** Gauge of calls being handled. */
  public static final String IN_FLIGHT = "squadron.rpc.server.in.flight";

  private final MeterRegistry registry;
  private final MetricsSettings settings;
  private final LongSupplier nanoTime;
  private final ConcurrentMap<String, ConcurrentMap<String, PeerMeters>> byMethod = new ConcurrentHashMap<>();

  /** Records into {@code registry}, timing with {@code nanoTime} (normally {@code System::nanoTime}). */
  public ServerMetricsInterceptor(MeterRegistry registry, MetricsSettings settings, LongSupplier nanoTime) {
    this.registry = requireNonNull(registry, "registry");
    this.settings = requireNonNull(settings, "settings");
    this.nanoTime = requireNonNull(nanoTime, "nanoTime");
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    PeerMeters meters = meters(call.getMethodDescriptor(), Caller.current().name());
    CallRecord record = new CallRecord(meters, nanoTime);
    ServerCall<ReqT, RespT> recording = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        try {
          super.close(status, trailers);
        } finally {
          record.finish(status.getCode());
        }
      }
    };
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(recording, headers);
    } catch (RuntimeException e) {
      record.finish(Status.Code.UNKNOWN);
      throw e;
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

  private PeerMeters meters(MethodDescriptor<?, ?> method, String caller) {
    ConcurrentMap<String, PeerMeters> byCaller =
        byMethod.computeIfAbsent(method.getFullMethodName(), k -> new ConcurrentHashMap<>());
    PeerMeters meters = byCaller.get(caller);
    if (meters == null) {
      meters = byCaller.computeIfAbsent(caller, c -> new PeerMeters(registry, method, c, settings));
    }
    return meters;
  }

  private static final class PeerMeters {
    final CallTimers timers;
    final AtomicInteger inFlight = new AtomicInteger();

    PeerMeters(MeterRegistry registry, MethodDescriptor<?, ?> method, String caller, MetricsSettings settings) {
      Tags tags = Tags.of("service", String.valueOf(method.getServiceName()),
          "method", String.valueOf(method.getBareMethodName()), "caller", caller);
      this.timers = new CallTimers(registry, DURATION, tags, settings);
      Gauge.builder(IN_FLIGHT, inFlight, AtomicInteger::get).tags(tags).register(registry);
    }
  }

  private static final class CallRecord {
    private final PeerMeters meters;
    private final LongSupplier nanoTime;
    private final long start;
    private final AtomicBoolean finished = new AtomicBoolean();

    CallRecord(PeerMeters meters, LongSupplier nanoTime) {
      this.meters = meters;
      this.nanoTime = nanoTime;
      this.start = nanoTime.getAsLong();
      meters.inFlight.incrementAndGet();
    }

    void finish(Status.Code code) {
      if (finished.compareAndSet(false, true)) {
        meters.inFlight.decrementAndGet();
        meters.timers.forCode(code).record(nanoTime.getAsLong() - start, TimeUnit.NANOSECONDS);
      }
    }
  }
}
