package io.squadron.rpc.bench;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import io.squadron.proto.shuffle.v1.ShuffleRequest;
import io.squadron.proto.shuffle.v1.ShuffleResponse;
import io.squadron.proto.shuffle.v1.ShuffleServiceGrpc;
import io.squadron.proto.shuffle.v1.Track;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives unary calls with a fixed number of calls outstanding (each completion starts the next) for
 * a fixed time, recording every latency. Shared by the rpc benchmarks so both sides of a comparison
 * see the same load.
 */
public final class ClosedLoopLoad {
  private static final int MAX_SAMPLES = 8_000_000;

  private final int concurrency;
  private final ShuffleRequest request;

  /** {@code concurrency} calls outstanding, each carrying {@code tracks} tracks. */
  public ClosedLoopLoad(int concurrency, int tracks) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: >= 1)");
    }
    this.concurrency = concurrency;
    ShuffleRequest.Builder b = ShuffleRequest.newBuilder().setSeed(1);
    for (int i = 0; i < tracks; i++) {
      b.addTracks(Track.newBuilder().setTrackId("track-" + i).setArtistId("artist-" + (i % 7)));
    }
    this.request = b.build();
  }

  /** The request every call sends. */
  public ShuffleRequest request() {
    return request;
  }

  /** The number of calls kept outstanding. */
  public int concurrency() {
    return concurrency;
  }

  /**
   * The outcome of one run.
   *
   * @param allocatedBytes bytes allocated by every thread of this JVM during the run (client and
   *     server sides of the channel under test: both live in the benchmark's process)
   */
  public record Result(
      long calls, long failures, double seconds, long[] latenciesNanos, long allocatedBytes) {
    public double qps() {
      return calls / seconds;
    }

    /** Bytes allocated per successful call. */
    public double bytesPerCall() {
      return calls == 0 ? Double.NaN : (double) allocatedBytes / calls;
    }

    /** The q-quantile (0..1) of successful call latency, in microseconds. */
    public double quantileMicros(double q) {
      if (latenciesNanos.length == 0) {
        return Double.NaN;
      }
      int index =
          (int) Math.min(latenciesNanos.length - 1, Math.ceil(q * latenciesNanos.length) - 1);
      return latenciesNanos[Math.max(0, index)] / 1_000.0;
    }
  }

  /** Runs for {@code duration} against {@code channel}. */
  public Result run(Channel channel, Duration duration) throws InterruptedException {
    requireNonNull(channel, "channel");
    ShuffleServiceGrpc.ShuffleServiceStub stub = ShuffleServiceGrpc.newStub(channel);
    long[] samples = new long[MAX_SAMPLES];
    AtomicInteger sampleCount = new AtomicInteger();
    AtomicLong calls = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    long allocatedBefore = AllocatedBytes.ofAllThreads();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    CountDownLatch done = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      new Caller(stub, end, samples, sampleCount, calls, failures, done).next();
    }
    if (!done.await(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("calls still outstanding 30 s after the run ended");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long allocated = AllocatedBytes.ofAllThreads() - allocatedBefore;
    long[] latencies = Arrays.copyOf(samples, Math.min(sampleCount.get(), MAX_SAMPLES));
    Arrays.sort(latencies);
    return new Result(calls.get(), failures.get(), seconds, latencies, allocated);
  }

  private final class Caller implements StreamObserver<ShuffleResponse> {
    private final ShuffleServiceGrpc.ShuffleServiceStub stub;
    private final long end;
    private final long[] samples;
    private final AtomicInteger sampleCount;
    private final AtomicLong calls;
    private final AtomicLong failures;
    private final CountDownLatch done;
    private long started;

    Caller(
        ShuffleServiceGrpc.ShuffleServiceStub stub,
        long end,
        long[] samples,
        AtomicInteger sampleCount,
        AtomicLong calls,
        AtomicLong failures,
        CountDownLatch done) {
      this.stub = stub;
      this.end = end;
      this.samples = samples;
      this.sampleCount = sampleCount;
      this.calls = calls;
      this.failures = failures;
      this.done = done;
    }

    void next() {
      started = System.nanoTime();
      if (started >= end) {
        done.countDown();
        return;
      }
      stub.shuffle(request, this);
    }

    @Override
    public void onNext(ShuffleResponse value) {}

    @Override
    public void onError(Throwable t) {
      failures.incrementAndGet();
      next();
    }

    @Override
    public void onCompleted() {
      long latency = System.nanoTime() - started;
      calls.incrementAndGet();
      int i = sampleCount.getAndIncrement();
      if (i < samples.length) {
        samples[i] = latency;
      }
      next();
    }
  }
}
