package io.squadron.deploy.local;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds and stops processes by pid, gracefully first, and only when the pid still is the process we
 * started: a pid is matched with its start time, since pids are reused and Linux cuts command lines
 * at 4 KiB (a Java class path is longer than that, so the main class is not visible there).
 */
public final class Processes {
  private Processes() {}

  /** The start time of {@code process} in epoch milliseconds, or -1 when the OS does not say. */
  public static long startMillis(ProcessHandle process) {
    return process.info().startInstant().map(i -> i.toEpochMilli()).orElse(-1L);
  }

  /**
   * The live process {@code pid} if it started at {@code startMillis} (or the start time is
   * unknown).
   */
  public static Optional<ProcessHandle> find(long pid, long startMillis) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> startMillis < 0 || startMillis(h) < 0 || startMillis(h) == startMillis);
  }

  /** SIGTERM, wait up to {@code grace}, then SIGKILL. True when it ran and is gone now. */
  public static boolean stop(ProcessHandle process, Duration grace) {
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception timeoutOrInterrupt) {
      process.destroyForcibly();
      try {
        process.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // reported by the caller through isAlive
      }
      return !process.isAlive();
    }
  }
}
