package io.squadron.deploy.chaos;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/** SIGKILL of one instance of a service; the platform's supervisor must restart it. */
final class KillInstance implements Fault {
  // Generous: on a loaded 2-core machine a JVM was seen taking over 90 s to become ready, and the
  // supervisor then kills it and starts it again after its backoff.
  static final Duration RESTART_TIMEOUT = Duration.ofSeconds(300);

  private final String service;

  KillInstance(String service) {
    this.service = requireNonNull(service, "service");
  }

  @Override
  public String describe() {
    return "SIGKILL one instance of " + service + " (the supervisor restarts it)";
  }

  @Override
  public boolean inject(ChaosTarget target, EventLog log) throws InterruptedException {
    ChaosTarget.Instance victim = target.pickInstance(service);
    Optional<ProcessHandle> process = ProcessHandle.of(victim.pid());
    if (process.isEmpty()) {
      log.log(
          service + " " + victim.label() + " (pid " + victim.pid() + ") is not running; skipped");
      return false;
    }
    process.get().destroyForcibly();
    log.log("SIGKILL " + service + " " + victim.label() + " (pid " + victim.pid() + ")");
    long t0 = System.nanoTime();
    Optional<ChaosTarget.Instance> back = target.awaitRestarted(victim, RESTART_TIMEOUT);
    if (back.isEmpty()) {
      log.log(
          service
              + " "
              + victim.label()
              + " NOT restarted within "
              + RESTART_TIMEOUT.toSeconds()
              + " s");
      return false;
    }
    log.log(
        String.format(
            java.util.Locale.ROOT,
            "%s %s restarted by the supervisor (pid %d), ready %.1f s after the kill",
            service,
            victim.label(),
            back.get().pid(),
            (System.nanoTime() - t0) / 1e9));
    return true;
  }
}
