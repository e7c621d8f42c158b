package io.squadron.rpc.internal.health;

import static java.util.Objects.requireNonNull;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.squadron.rpc.health.ReadinessCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates the named {@link ReadinessCheck}s and publishes the result: SERVING or NOT_SERVING for
 * the whole server ({@code ""}) and every service it hosts, in {@code grpc.health.v1}. Once {@link
 * #shutDown()} is called the server stays NOT_SERVING whatever the checks say.
 */
public final class Readiness {
  private static final Logger log = LoggerFactory.getLogger(Readiness.class);

  private final Map<String, ReadinessCheck> checks;
  private final HealthStatusManager health;
  private final Set<String> serviceNames;
  private volatile List<String> failing = List.of("not checked yet");
  private volatile boolean shuttingDown;

  /** Publishes to {@code health} for the server and each of {@code serviceNames}. */
  public Readiness(
      Map<String, ReadinessCheck> checks, HealthStatusManager health, Set<String> serviceNames) {
    this.checks = new LinkedHashMap<>(requireNonNull(checks, "checks"));
    this.health = requireNonNull(health, "health");
    this.serviceNames = Set.copyOf(requireNonNull(serviceNames, "serviceNames"));
  }

  /** Runs every check once and publishes the result. Called by the server's readiness thread. */
  public synchronized void refresh() {
    if (shuttingDown) {
      return;
    }
    List<String> nowFailing = new ArrayList<>();
    for (Map.Entry<String, ReadinessCheck> check : checks.entrySet()) {
      boolean ready;
      try {
        ready = check.getValue().isReady();
      } catch (Exception e) {
        ready = false;
      }
      if (!ready) {
        nowFailing.add(check.getKey());
      }
    }
    if (!nowFailing.equals(failing)) {
      if (nowFailing.isEmpty()) {
        log.info("ready: every check passes");
      } else {
        log.warn("not ready; failing checks: {}", nowFailing);
      }
    }
    failing = List.copyOf(nowFailing);
    publish(nowFailing.isEmpty() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** Reports NOT_SERVING from now on, for good (the server is shutting down). */
  public synchronized void shutDown() {
    shuttingDown = true;
    failing = List.of("shutting down");
    health.enterTerminalState();
  }

  /** Whether the last evaluation passed and the server is not shutting down. */
  public boolean isReady() {
    return !shuttingDown && failing.isEmpty();
  }

  /** The names of the checks that failed last time (or "shutting down"); empty when ready. */
  public List<String> failing() {
    return failing;
  }

  private void publish(ServingStatus status) {
    health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, status);
    for (String service : serviceNames) {
      health.setStatus(service, status);
    }
  }
}
