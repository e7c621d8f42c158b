package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

/**
 * A service instance's process on the local platform.
 *
 * @param slot where it runs (service, region, group, index)
 * @param moduleDir its module, relative to the checkout
 * @param pid its process id (-1 when it never started)
 * @param port its gRPC port on 127.0.0.1
 * @param adminPort its admin HTTP port on 127.0.0.1
 * @param startMillis when the process started (epoch ms), to tell it from a later process with the
 *     same pid
 */
public record RunningService(
    InstanceSlot slot, String moduleDir, long pid, int port, int adminPort, long startMillis) {
  public RunningService {
    requireNonNull(slot, "slot");
    requireNonNull(moduleDir, "moduleDir");
  }

  /** The service's name. */
  public String name() {
    return slot.service();
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  /** {@code 127.0.0.1:adminPort}: Prometheus's {@code instance} label. */
  public String adminAddress() {
    return "127.0.0.1:" + adminPort;
  }

  /** The Prometheus scrape URL. */
  public String metricsUrl() {
    return "http://127.0.0.1:" + adminPort + "/metrics";
  }

  /** The readiness URL. */
  public String readyUrl() {
    return "http://127.0.0.1:" + adminPort + "/readyz";
  }
}
