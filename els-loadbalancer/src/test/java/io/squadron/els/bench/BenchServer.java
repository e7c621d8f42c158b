package io.squadron.els.bench;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.services.MetricRecorder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.grpc.xds.orca.OrcaMetricReportingServerInterceptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One simulated endpoint behind a real gRPC server on 127.0.0.1: a bounded number of requests
 * served at once (the rest wait in a FIFO queue, so queueing is real), service times of {@code base
 * + exponential}, an optional failure rate answered after its own latency without taking a slot,
 * and ORCA load reports (utilization, qps, eps) on every response for weighted_round_robin.
 * Requests whose caller gave up are skipped when they reach the head of the queue, as a
 * well-behaved server does. Optional behaviours: load shedding (RESOURCE_EXHAUSTED at once when too
 * many wait), a JIT warm-up (the first calls after start are slower), stop-the-world pauses (GC),
 * and a region: a caller from another region (header {@code x-bench-region}) sees half the
 * inter-region round trip on the way in and half on the way out.
 */
final class BenchServer {

  static final MethodDescriptor<byte[], byte[]> METHOD =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("squadron.bench.Echo/Call")
          .setRequestMarshaller(BytesMarshaller.INSTANCE)
          .setResponseMarshaller(BytesMarshaller.INSTANCE)
          .build();

  private static final byte[] RESPONSE = new byte[16];
  static final Metadata.Key<String> REGION_HEADER =
      Metadata.Key.of("x-bench-region", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<String> CALLER_REGION = Context.key("bench-caller-region");

  private final ScheduledExecutorService timer;
  private final Random random;
  private final MetricRecorder orca = MetricRecorder.newInstance();
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong receivedCrossRegion = new AtomicLong();

  /** Requests received per {@link #BUCKET_NANOS} since {@link #bucketsFrom}. */
  private final AtomicLongArray buckets = new AtomicLongArray(64);

  private final AtomicLongArray crossBuckets = new AtomicLongArray(64);
  private volatile long bucketsFrom = Long.MAX_VALUE;
  static final long BUCKET_NANOS = 500_000_000L;
  private volatile boolean counting;
  private Server server;
  private int port;
  private int inService;
  // Behaviour, changed by the scenario while running.
  private volatile int slots;
  private volatile double baseMs;
  private volatile double meanExtraMs;
  private volatile double slowdown = 1.0;
  private volatile double failureRate;
  private volatile double failureMs;

  /** Shed (RESOURCE_EXHAUSTED in 1 ms) when this many requests already wait; 0: never. */
  private volatile int shedAbove;

  /** JIT warm-up: service times multiplied by {@code 1 + 9 exp(-served / warmupCalls)}; 0: warm. */
  private volatile double warmupCalls;

  private long servedSinceStart;

  /** Stop-the-world pause: nothing starts or completes before this (nanoTime). */
  private volatile long pausedUntil = System.nanoTime();

  private final String region;
  private final double interRegionMs;
  // Decayed sums (1 s time constant) for the ORCA report.
  private double busySeconds;
  private double completions;
  private double errors;
  private long decayedAt = System.nanoTime();

  BenchServer(
      ScheduledExecutorService timer, long seed, int slots, double baseMs, double meanExtraMs) {
    this(timer, seed, slots, baseMs, meanExtraMs, null, 0);
  }

  /**
   * An endpoint in {@code region}; callers from other regions see {@code interRegionMs} more round
   * trip.
   */
  BenchServer(
      ScheduledExecutorService timer,
      long seed,
      int slots,
      double baseMs,
      double meanExtraMs,
      String region,
      double interRegionMs) {
    this.region = region;
    this.interRegionMs = interRegionMs;
    this.timer = timer;
    this.random = new Random(seed);
    this.slots = slots;
    this.baseMs = baseMs;
    this.meanExtraMs = meanExtraMs;
  }

  void start() throws IOException {
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("squadron.bench.Echo")
            .addMethod(METHOD, ServerCalls.asyncUnaryCall(this::handle))
            .build();
    ServerInterceptor callerRegion =
        new ServerInterceptor() {
          @Override
          public <Q, A> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            String r = headers.get(REGION_HEADER);
            return Contexts.interceptCall(
                Context.current().withValue(CALLER_REGION, r), call, headers, next);
          }
        };
    synchronized (this) {
      servedSinceStart = 0;
    }
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .directExecutor()
            .addService(ServerInterceptors.intercept(service, callerRegion))
            .intercept(OrcaMetricReportingServerInterceptor.create(orca))
            .build()
            .start();
    port = server.getPort();
  }

  /**
   * Crash, first half: connections reset, in-flight calls fail, new connections are refused.
   * Returns the requests the endpoint held (in service or queued), which are lost.
   */
  int killNow() {
    int held;
    synchronized (this) {
      held = queue.size() + inService;
      queue.clear();
      inService = 0;
    }
    server.shutdownNow();
    return held;
  }

  /** Crash, second half: waits until the server is down. */
  void awaitDown() throws InterruptedException {
    server.awaitTermination(5, TimeUnit.SECONDS);
  }

  void stop() throws InterruptedException {
    killNow();
    awaitDown();
  }

  /**
   * Sheds load: RESOURCE_EXHAUSTED in 1 ms when {@code waiting} requests already wait (0: never).
   */
  void shedAbove(int waiting) {
    shedAbove = waiting;
  }

  /**
   * Starts cold: service times are {@code 1 + 9 exp(-served / calls)} times longer (JIT warm-up).
   */
  void warmup(double calls) {
    warmupCalls = calls;
  }

  /** A stop-the-world pause of {@code millis} from now: nothing starts or completes meanwhile. */
  void pause(long millis) {
    pausedUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
  }

  int port() {
    return port;
  }

  void slowdown(double factor) {
    slowdown = factor;
  }

  void fail(double rate, double latencyMs) {
    failureRate = rate;
    failureMs = latencyMs;
  }

  void slots(int n) {
    slots = n;
  }

  void counting(boolean on) {
    counting = on;
  }

  long received() {
    return received.get();
  }

  /** Requests received from callers in another region. */
  long receivedCrossRegion() {
    return receivedCrossRegion.get();
  }

  /** Starts counting requests per half second from {@code nanoTime}. */
  void bucketsFrom(long nanoTime) {
    bucketsFrom = nanoTime;
  }

  long bucket(int i) {
    return buckets.get(i);
  }

  long crossBucket(int i) {
    return crossBuckets.get(i);
  }

  private void handle(byte[] request, StreamObserver<byte[]> observer) {
    String caller = CALLER_REGION.get();
    long oneWay =
        region != null && caller != null && !region.equals(caller)
            ? (long) (interRegionMs * 1e6 / 2)
            : 0;
    if (oneWay > 0) {
      timer.schedule(() -> admit(new Call(observer, oneWay)), oneWay, TimeUnit.NANOSECONDS);
    } else {
      admit(new Call(observer, 0));
    }
  }

  /** A request and the one-way delay its answer takes back to the caller. */
  private static final class Call {
    final StreamObserver<byte[]> observer;
    final long returnNanos;

    Call(StreamObserver<byte[]> observer, long returnNanos) {
      this.observer = observer;
      this.returnNanos = returnNanos;
    }
  }

  private void admit(Call call) {
    StreamObserver<byte[]> observer = call.observer;
    boolean cross = call.returnNanos > 0;
    if (counting) {
      received.incrementAndGet();
      if (cross) {
        receivedCrossRegion.incrementAndGet();
      }
    }
    long since = System.nanoTime() - bucketsFrom;
    if (since >= 0 && since / BUCKET_NANOS < buckets.length()) {
      buckets.incrementAndGet((int) (since / BUCKET_NANOS));
      if (cross) {
        crossBuckets.incrementAndGet((int) (since / BUCKET_NANOS));
      }
    }
    boolean fails;
    boolean shed = false;
    synchronized (this) {
      fails = random.nextDouble() < failureRate;
      if (!fails) {
        int limit = shedAbove;
        shed = limit > 0 && queue.size() >= limit;
        if (!shed) {
          queue.add(call);
          startNext();
        }
      }
    }
    if (fails || shed) {
      long nanos = (long) ((shed ? 1.0 : failureMs) * 1e6);
      Status status =
          shed
              ? Status.RESOURCE_EXHAUSTED.withDescription("overloaded, shedding load")
              : Status.UNAVAILABLE.withDescription("injected failure");
      timer.schedule(
          () -> {
            synchronized (this) {
              account(nanos / 1e9, true);
            }
            try {
              observer.onError(status.asRuntimeException());
            } catch (RuntimeException e) {
              // cancelled meanwhile
            }
          },
          nanos + call.returnNanos,
          TimeUnit.NANOSECONDS);
    }
  }

  /** Starts queued requests while slots are free. Caller holds the lock. */
  private void startNext() {
    long pause = pausedUntil - System.nanoTime();
    if (pause > 0) {
      timer.schedule(
          () -> {
            synchronized (this) {
              startNext();
            }
          },
          pause,
          TimeUnit.NANOSECONDS);
      return;
    }
    while (inService < slots && !queue.isEmpty()) {
      Call next = queue.poll();
      if (((ServerCallStreamObserver<byte[]>) next.observer).isCancelled()) {
        continue;
      }
      inService++;
      double warm = warmupCalls > 0 ? 1 + 9 * Math.exp(-servedSinceStart / warmupCalls) : 1;
      servedSinceStart++;
      double ms = (baseMs - Math.log(1 - random.nextDouble()) * meanExtraMs) * slowdown * warm;
      long nanos = (long) (ms * 1e6);
      timer.schedule(() -> complete(next, nanos), nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void complete(Call call, long serviceNanos) {
    long pause = pausedUntil - System.nanoTime();
    if (pause > 0) {
      // Stopped the world: the answer leaves when the pause ends.
      timer.schedule(() -> complete(call, serviceNanos), pause, TimeUnit.NANOSECONDS);
      return;
    }
    synchronized (this) {
      inService = Math.max(0, inService - 1);
      account(serviceNanos / 1e9, false);
      startNext();
    }
    if (call.returnNanos > 0) {
      timer.schedule(() -> answer(call.observer), call.returnNanos, TimeUnit.NANOSECONDS);
    } else {
      answer(call.observer);
    }
  }

  private static void answer(StreamObserver<byte[]> observer) {
    try {
      observer.onNext(RESPONSE);
      observer.onCompleted();
    } catch (RuntimeException e) {
      // The call was cancelled or the server killed meanwhile.
    }
  }

  /** Updates the decayed utilization, qps and eps, and the ORCA recorder. Caller holds the lock. */
  private void account(double busy, boolean error) {
    long now = System.nanoTime();
    double d = Math.exp(-(now - decayedAt) / 1e9);
    decayedAt = now;
    busySeconds = busySeconds * d + (error ? 0 : busy);
    completions = completions * d + 1;
    errors = errors * d + (error ? 1 : 0);
    orca.setCpuUtilizationMetric(Math.min(1.0, busySeconds / Math.max(1, slots)));
    orca.setQpsMetric(completions);
    orca.setEpsMetric(errors);
  }

  /** Raw bytes on the wire. */
  enum BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {
    INSTANCE;

    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw Status.INTERNAL.withCause(e).asRuntimeException();
      }
    }
  }
}
