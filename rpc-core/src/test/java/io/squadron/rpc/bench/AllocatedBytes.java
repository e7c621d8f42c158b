package io.squadron.rpc.bench;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated so far by the live threads of this JVM (HotSpot's per-thread allocation
 * counters). A thread that ends during a run takes its count with it, so a run's figure is a slight
 * undercount; the benchmarks compare two sides measured the same way, in alternating rounds.
 */
final class AllocatedBytes {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private AllocatedBytes() {}

  static long ofAllThreads() {
    long total = 0;
    for (long bytes : THREADS.getThreadAllocatedBytes(THREADS.getAllThreadIds())) {
      if (bytes > 0) {
        total += bytes;
      }
    }
    return total;
  }
}
