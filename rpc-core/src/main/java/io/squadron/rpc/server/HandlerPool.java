package io.squadron.rpc.server;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pool that runs a server's handlers: at most {@code threads} of them at once, the rest queued.
 *
 * <p>A {@link ForkJoinPool} rather than a fixed {@code ThreadPoolExecutor}: an idle ForkJoinPool
 * wakes the worker that went idle last, while a ThreadPoolExecutor's queue wakes the one that has
 * waited longest, so under a light load every call rotated through all 64 threads, each with cold
 * caches. A ThreadPoolExecutor also starts a new thread for every call until all 64 exist, even
 * while others sit idle. Side by side at 1-32 calls outstanding this pool served more calls per
 * second in 7 of 8 runs (median +12%) with a lower p99 in 7 of 8.
 *
 * <p>{@code maximumPoolSize} equals {@code threads} and saturation is accepted, so a handler that
 * blocks in a {@code ForkJoinPool.managedBlock} (a {@code Condition} wait, a {@code
 * CompletableFuture.get}) never makes the pool grow past its bound; idle workers end after 30 s.
 */
final class HandlerPool {
  static final String THREAD_PREFIX = "squadron-grpc-";

  private HandlerPool() {}

  static ForkJoinPool create(int threads) {
    AtomicInteger n = new AtomicInteger();
    return new ForkJoinPool(
        threads,
        pool -> {
          ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
          t.setName(THREAD_PREFIX + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        },
        null,
        true, // tasks a handler thread submits run in the order submitted, like the event loop's
        0,
        threads,
        1,
        pool -> true,
        30,
        TimeUnit.SECONDS);
  }
}
