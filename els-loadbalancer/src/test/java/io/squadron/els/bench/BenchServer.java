package io.squadron.els.bench;

import io.grpc.MethodDescriptor;
import io.grpc.Server;
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
 * One simulated endpoint behind a real gRPC server on 127.0.0.1: a bounded number of requests served at once
 * (the rest wait in a FIFO queue, so queueing is real), service times of {@code base + exponential}, an
 * optional failure rate answered after its own latency without taking a slot, and ORCA load reports
 * (utilization, qps, eps) on every response for weighted_round_robin. Requests whose caller gave up are skipped
 * when they reach the head of the queue, as a well-behaved server does.
 */
final class BenchServer {

  static final MethodDescriptor<byte[], byte[]> METHOD = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName("squadron.bench.Echo/Call")
      .setRequestMarshaller(BytesMarshaller.INSTANCE)
      .setResponseMarshaller(BytesMarshaller.INSTANCE)
      .build();

  private static final byte[] RESPONSE = new byte[16];

  private final ScheduledExecutorService timer;
  private final Random random;
  private final MetricRecorder orca = MetricRecorder.newInstance();
  private final ArrayDeque<StreamObserver<byte[]>> queue = new ArrayDeque<>();
  private final AtomicLong received = new AtomicLong();
  /** Requests received per {@link #BUCKET_NANOS} since {@link #bucketsFrom}. */
  private final AtomicLongArray buckets = new AtomicLongArray(64);
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
  // Decayed sums (1 s time constant) for the ORCA report.
  private double busySeconds;
  private double completions;
  private double errors;
  private long decayedAt = System.nanoTime();

  BenchServer(ScheduledExecutorService timer, long seed, int slots, double baseMs, double meanExtraMs) {
    this.timer = timer;
    this.random = new Random(seed);
    this.slots = slots;
    this.baseMs = baseMs;
    this.meanExtraMs = meanExtraMs;
  }

  void start() throws IOException {
    ServerServiceDefinition service = ServerServiceDefinition.builder("squadron.bench.Echo")
        .addMethod(METHOD, ServerCalls.asyncUnaryCall(this::handle))
        .build();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
        .directExecutor()
        .addService(service)
        .intercept(OrcaMetricReportingServerInterceptor.create(orca))
        .build()
        .start();
    port = server.getPort();
  }

  /** Crash: connections reset, in-flight calls fail, new connections are refused. */
  void kill() throws InterruptedException {
    server.shutdownNow();
    server.awaitTermination(5, TimeUnit.SECONDS);
    synchronized (this) {
      queue.clear();
      inService = 0;
    }
  }

  void stop() throws InterruptedException {
    kill();
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

  /** Starts counting requests per half second from {@code nanoTime}. */
  void bucketsFrom(long nanoTime) {
    bucketsFrom = nanoTime;
  }

  long bucket(int i) {
    return buckets.get(i);
  }

  private void handle(byte[] request, StreamObserver<byte[]> observer) {
    if (counting) {
      received.incrementAndGet();
    }
    long since = System.nanoTime() - bucketsFrom;
    if (since >= 0 && since / BUCKET_NANOS < buckets.length()) {
      buckets.incrementAndGet((int) (since / BUCKET_NANOS));
    }
    boolean fails;
    synchronized (this) {
      fails = random.nextDouble() < failureRate;
      if (!fails) {
        queue.add(observer);
        startNext();
      }
    }
    if (fails) {
      long nanos = (long) (failureMs * 1e6);
      timer.schedule(() -> {
        synchronized (this) {
          account(nanos / 1e9, true);
        }
        observer.onError(Status.UNAVAILABLE.withDescription("injected failure").asRuntimeException());
      }, nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Starts queued requests while slots are free. Caller holds the lock. */
  private void startNext() {
    while (inService < slots && !queue.isEmpty()) {
      StreamObserver<byte[]> next = queue.poll();
      if (((ServerCallStreamObserver<byte[]>) next).isCancelled()) {
        continue;
      }
      inService++;
      double ms = (baseMs - Math.log(1 - random.nextDouble()) * meanExtraMs) * slowdown;
      long nanos = (long) (ms * 1e6);
      timer.schedule(() -> complete(next, nanos), nanos, TimeUnit.NANOSECONDS);
    }
  }

  private void complete(StreamObserver<byte[]> observer, long serviceNanos) {
    synchronized (this) {
      inService = Math.max(0, inService - 1);
      account(serviceNanos / 1e9, false);
      startNext();
    }
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
