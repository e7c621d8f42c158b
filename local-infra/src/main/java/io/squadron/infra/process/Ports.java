package io.squadron.infra.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Free TCP ports on 127.0.0.1 for servers that must be told their port up front.
 *
 * <p>Ports are drawn at random from {@value #LOW}..{@value #HIGH}, below Linux's ephemeral range
 * (32768+), so an outgoing connection never takes a port a server is about to bind, and two runs in
 * parallel rarely draw the same one. A port is handed out only if it can be bound right now and was
 * not handed out before by this JVM (a stopped server keeps its port for its restart). The window
 * between the check and the server's own bind remains; a launcher that loses it reports the bind
 * error from the server's log.
 */
public final class Ports {
  static final int LOW = 20_000;
  static final int HIGH = 32_000;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private final RandomGenerator random;

  /** Ports drawn with the given random source. */
  public Ports(RandomGenerator random) {
    this.random = random;
  }

  /** Ports drawn with a fresh, unseeded random source. */
  public static Ports random() {
    return new Ports(RandomGenerator.getDefault());
  }

  /** A port that is free on 127.0.0.1 now and not yet handed out by this JVM. */
  public int next() {
    return next(List.of(InetAddress.getLoopbackAddress()));
  }

  /**
   * A port that is free on every one of {@code hosts} now and not yet handed out by this JVM (the
   * nodes of a local cluster listen on the same port at 127.0.0.1, 127.0.0.2, ...).
   */
  public int next(List<InetAddress> hosts) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("hosts: empty (expected: at least one address)");
    }
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = LOW + random.nextInt(HIGH - LOW);
      if (!HANDED_OUT.contains(port)
          && hosts.stream().allMatch(host -> bindable(host, port))
          && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException("no free port on " + hosts + " in " + LOW + ".." + HIGH);
  }

  private static boolean bindable(InetAddress host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
