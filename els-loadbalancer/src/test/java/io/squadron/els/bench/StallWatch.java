package io.squadron.els.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Detects stalls of the benchmark JVM (the machine is shared): a thread parks 5 ms at a time
 * between two instants and records how much longer than asked it slept.
 */
final class StallWatch extends Thread {

  private final long from;
  private final long until;
  private volatile long maxOversleepNanos;

  StallWatch(long from, long until) {
    super("stall-watch");
    setDaemon(true);
    this.from = from;
    this.until = until;
  }

  @Override
  public void run() {
    long step = TimeUnit.MILLISECONDS.toNanos(5);
    while (true) {
      long before = System.nanoTime();
      if (before >= until) {
        return;
      }
      LockSupport.parkNanos(step);
      long over = System.nanoTime() - before - step;
      if (before >= from && over > maxOversleepNanos) {
        maxOversleepNanos = over;
      }
    }
  }

  double maxStallMs() {
    return maxOversleepNanos / 1e6;
  }
}
