package io.squadron.deploy.chaos;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;

/**
 * Every instance of one service stopped for a while (its slots taken out of the desired state, so
 * the supervisor stops them and does not restart them), then put back: features that do not need it
 * must keep working meanwhile, and steps that need it fail fast with a retryable status until it is
 * back.
 */
final class ServiceOutage implements Fault {
  static final Duration BACK_TIMEOUT = Duration.ofSeconds(180);

  private final String service;
  private final Duration outage;

  ServiceOutage(String service, Duration outage) {
    this.service = requireNonNull(service, "service");
    this.outage = requireNonNull(outage, "outage");
  }

  @Override
  public String describe() {
    return "stop every instance of " + service + " for " + outage.toSeconds() + " s";
  }

  @Override
  public boolean inject(ChaosTarget target, EventLog log) throws InterruptedException {
    ChaosTarget.Outage stopped = target.stopService(service);
    log.log("stopped every instance of " + service + " (" + stopped.instances() + ")");
    Thread.sleep(outage.toMillis()); // the fault itself lasts this long
    long t0 = System.nanoTime();
    boolean back = stopped.restore(BACK_TIMEOUT);
    log.log(
        back
            ? String.format(
                Locale.ROOT,
                "%s back: every instance ready %.1f s after the restart was asked",
                service,
                (System.nanoTime() - t0) / 1e9)
            : service + " NOT back within " + BACK_TIMEOUT.toSeconds() + " s");
    return back;
  }
}
