package io.squadron.deploy.local;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Stops processes by pid, gracefully first, and only when the pid still runs the program we started. */
final class Processes {
  private Processes() {}

  /** The live process {@code pid} if its command line mentions {@code marker}. */
  static Optional<ProcessHandle> find(long pid, String marker) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(true));
  }

  /** SIGTERM, wait up to {@code grace}, then SIGKILL. True when it ran and is gone now. */
  static boolean stop(ProcessHandle process, Duration grace) {
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
