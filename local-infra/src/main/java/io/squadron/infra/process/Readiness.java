package io.squadron.infra.process;

import io.squadron.infra.InfraStartException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A bounded wait for a starting server, failing fast when its process dies. */
public final class Readiness {
  /** A check that passes by returning and fails by throwing. */
  @FunctionalInterface
  public interface Probe {
    /** Throws while the server is not ready. */
    void check() throws Exception;
  }

  private Readiness() {}

  /**
   * Runs {@code probe} until it passes, backing off from 50 ms to 500 ms between tries.
   *
   * @param server names the server and its address in error messages, e.g. {@code "cassandra at
   *     127.0.0.1:20042"}
   * @param process the server's process: if it exits, the wait fails at once
   * @param logTail the server's log tail, appended to error messages
   * @throws InfraStartException when the process exits or {@code timeout} passes; the message
   *     carries the last probe error and the log tail
   */
  public static void await(
      String server,
      ProcessHandle process,
      Duration timeout,
      Probe probe,
      java.util.function.Supplier<String> logTail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long pauseMillis = 50;
    Exception last = null;
    while (true) {
      try {
        probe.check();
        return;
      } catch (Exception e) {
        last = e;
      }
      if (!Processes.running(process)) {
        throw new InfraStartException(
            server
                + " exited while starting (last check: "
                + describe(last)
                + "); log tail:\n"
                + logTail.get(),
            last);
      }
      if (System.nanoTime() > deadline) {
        throw new InfraStartException(
            server
                + " not ready after "
                + timeout.toMillis() / 1000.0
                + " s (last check: "
                + describe(last)
                + "); log tail:\n"
                + logTail.get(),
            last);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(pauseMillis));
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new InfraStartException(server + " start interrupted");
      }
      pauseMillis = Math.min(500, pauseMillis * 2);
    }
  }

  /** A probe that passes once a TCP connection to {@code address} succeeds. */
  public static Probe portOpen(InetSocketAddress address) {
    return () -> {
      try (Socket socket = new Socket()) {
        socket.connect(address, 500);
      } catch (IOException e) {
        throw new IOException(
            "cannot connect to " + address.getHostString() + ":" + address.getPort(), e);
      }
    };
  }

  private static String describe(Exception e) {
    if (e == null) {
      return "none";
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
