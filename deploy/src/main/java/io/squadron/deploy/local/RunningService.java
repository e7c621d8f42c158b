package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

/**
 * A service process of the local platform.
 *
 * @param name the service's name
 * @param moduleDir its module, relative to the checkout
 * @param pid its process id
 * @param port its gRPC port on 127.0.0.1
 * @param adminPort its admin HTTP port on 127.0.0.1
 * @param startMillis when the process started (epoch ms), to tell it from a later process with the
 *     same pid
 */
public record RunningService(
    String name, String moduleDir, long pid, int port, int adminPort, long startMillis) {
  public RunningService {
    requireNonNull(name, "name");
    requireNonNull(moduleDir, "moduleDir");
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port;
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
