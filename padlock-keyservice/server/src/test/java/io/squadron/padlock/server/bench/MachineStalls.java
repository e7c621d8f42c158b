package io.squadron.padlock.server.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the machine did to a phase apart from the load: a probe thread in this process asks to sleep
 * 1 ms at a time and records each wake-up at least {@link #STALL_NANOS} late; and the CPU that
 * kernel threads (children of kthreadd, pid 2) used meanwhile, from /proc.
 *
 * <p>Why: on the 2-core machines here the open-loop p99 was made of stalls of 30-100 ms, every ~0.6
 * s, that hit the load generator's sender as much as the server, with the machine 60% busy. Their
 * onsets fell into the active moments of the kernel's DAMON thread (kdamond) far more often than
 * chance. Printed next to the latencies, a stalled machine explains its own p99; on a quiet machine
 * the line reads zero.
 */
final class MachineStalls {

  /** A wake-up this late (beyond the 1 ms asked) counts as a stall. */
  static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final Thread probe;
  private final long startNanos = System.nanoTime();
  private final Map<String, Long> kernelTicksBefore;
  private volatile boolean stopped;
  private long count;
  private long stalledNanos;
  private long longestNanos;

  private MachineStalls() {
    kernelTicksBefore = kernelThreadTicks();
    probe = new Thread(this::watch, "stall-probe");
    probe.setDaemon(true);
    probe.start();
  }

  /** Starts watching; {@link #stop} ends it and tells what was seen. */
  static MachineStalls start() {
    return new MachineStalls();
  }

  private void watch() {
    long before = System.nanoTime();
    while (!stopped) {
      LockSupport.parkNanos(STEP_NANOS);
      long now = System.nanoTime();
      long late = now - before - STEP_NANOS;
      if (late >= STALL_NANOS) {
        count++;
        stalledNanos += late;
        longestNanos = Math.max(longestNanos, late);
      }
      before = now;
    }
  }

  Summary stop(double ticksPerSecond) throws InterruptedException {
    stopped = true;
    probe.join(1000);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Map<String, Long> after = kernelThreadTicks();
    String top = "-";
    long topTicks = 0;
    long allTicks = 0;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      long used = e.getValue() - kernelTicksBefore.getOrDefault(e.getKey(), 0L);
      allTicks += Math.max(0, used);
      if (used > topTicks) {
        topTicks = used;
        top = e.getKey().substring(e.getKey().indexOf(' ') + 1);
      }
    }
    return new Summary(
        count,
        stalledNanos / 1e9 / seconds,
        longestNanos / 1e6,
        allTicks / ticksPerSecond,
        top,
        topTicks / ticksPerSecond);
  }

  /**
   * CPU ticks (user + system) of each kernel thread, keyed "pid name": kernel threads are the
   * children of kthreadd (pid 2). Empty where /proc cannot be read.
   */
  private static Map<String, Long> kernelThreadTicks() {
    Map<String, Long> out = new HashMap<>();
    List<Path> processes;
    try (var list = Files.list(Path.of("/proc"))) {
      processes =
          list.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
              .toList();
    } catch (IOException | RuntimeException e) {
      return out;
    }
    for (Path p : processes) {
      try {
        ProcStat stat = ProcStat.read(p.resolve("stat"));
        if (stat.parentPid() == 2) {
          out.put(p.getFileName() + " " + stat.name(), stat.ticks());
        }
      } catch (IOException | RuntimeException gone) {
        // the process ended meanwhile, or is not readable
      }
    }
    return out;
  }

  /**
   * What a phase saw.
   *
   * @param stalls wake-ups of the probe at least 10 ms late
   * @param stalledShare the share of the phase's time lost to them, 0..1
   * @param longestMs the latest wake-up, beyond the 1 ms asked
   * @param kernelSeconds CPU seconds of all kernel threads
   * @param topKernelThread the kernel thread that used the most CPU ("-" if none did)
   * @param topKernelSeconds its CPU seconds
   */
  record Summary(
      long stalls,
      double stalledShare,
      double longestMs,
      double kernelSeconds,
      String topKernelThread,
      double topKernelSeconds) {

    String line() {
      return String.format(
          "    machine: %d stalls >= 10 ms of a 1 ms sleeper in the load generator (%.1f%% of the"
              + " phase, longest %.0f ms); kernel threads %.2f cpu s (most: %s %.2f s)",
          stalls, stalledShare * 100, longestMs, kernelSeconds, topKernelThread, topKernelSeconds);
    }
  }
}
