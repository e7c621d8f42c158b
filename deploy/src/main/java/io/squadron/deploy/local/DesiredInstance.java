package io.squadron.deploy.local;

import static java.util.Objects.requireNonNull;

/**
 * What should run in one slot: which release, on which ports (a restarted or replaced instance
 * keeps them, so its callers' static endpoint lists and Prometheus's targets stay right).
 *
 * @param slot where
 * @param release the release id ({@value Releases#CURRENT}: the checkout's build; see {@link
 *     Releases})
 * @param port its gRPC port on 127.0.0.1
 * @param adminPort its admin (metrics, health) port on 127.0.0.1
 */
public record DesiredInstance(InstanceSlot slot, String release, int port, int adminPort) {
  public DesiredInstance {
    requireNonNull(slot, "slot");
    Releases.requireId(release);
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
    }
    if (adminPort < 1 || adminPort > 65_535 || adminPort == port) {
      throw new IllegalArgumentException(
          "adminPort: " + adminPort + " (expected: 1..65535, not the gRPC port)");
    }
  }

  /** {@code release} in {@code slot} on two free loopback ports (for a slot being added). */
  public static DesiredInstance onFreePorts(InstanceSlot slot, String release) {
    int port = FreePorts.next();
    int adminPort = FreePorts.next();
    while (adminPort == port) {
      adminPort = FreePorts.next();
    }
    return new DesiredInstance(slot, release, port, adminPort);
  }

  /** The same slot and ports running {@code newRelease}. */
  public DesiredInstance withRelease(String newRelease) {
    return new DesiredInstance(slot, newRelease, port, adminPort);
  }

  /** {@code 127.0.0.1:port}. */
  public String address() {
    return "127.0.0.1:" + port;
  }
}
