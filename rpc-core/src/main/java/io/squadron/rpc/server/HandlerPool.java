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
 * waited longest. Under a light load that rotated every call through all 64 threads, each with cold
 * caches and its own TLAB, and a lone call cost the Padlock server about a third more CPU per key
 * than the same call under a full load. A ThreadPoolExecutor also starts a new thread for every
 * call until all 64 exist, even while others sit idle.
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
        true, // FIFO for tasks submitted from the pool's own threads, as for the event loop's
        0,
        threads,
        1,
        pool -> true,
        30,
        TimeUnit.SECONDS);
  }
}
