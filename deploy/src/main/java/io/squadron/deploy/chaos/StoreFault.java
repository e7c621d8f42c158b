package io.squadron.deploy.chaos;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.LocalServer;
import java.time.Duration;
import java.util.Locale;

/** A fault of a store server this platform started: a pause, a crash and restart, or a restart. */
final class StoreFault implements Fault {
  /** What happens to the store. */
  enum Kind {
    /** SIGSTOP, then SIGCONT after the pause: connections hang, nothing is answered. */
    PAUSE,
    /** SIGKILL (a crash, data kept), then started again on the same port and data. */
    KILL_AND_RESTART,
    /** A graceful stop and start on the same port and data. */
    RESTART
  }

  private final LocalServer server;
  private final Kind kind;
  private final Duration pause;

  StoreFault(LocalServer server, Kind kind, Duration pause) {
    this.server = requireNonNull(server, "server");
    this.kind = requireNonNull(kind, "kind");
    this.pause = requireNonNull(pause, "pause");
  }

  @Override
  public String describe() {
    return switch (kind) {
      case PAUSE ->
          "pause " + server.kind() + " for " + pause.toMillis() / 1000.0 + " s (SIGSTOP/SIGCONT)";
      case KILL_AND_RESTART -> "kill " + server.kind() + " (SIGKILL) and start it again";
      case RESTART -> "restart " + server.kind();
    };
  }

  @Override
  public boolean inject(ChaosTarget target, EventLog log) throws InterruptedException {
    long t0 = System.nanoTime();
    switch (kind) {
      case PAUSE -> {
        server.pause();
        log.log("SIGSTOP " + server.kind() + " (pid " + server.pid() + ")");
        try {
          Thread.sleep(pause.toMillis()); // the fault itself is a pause of this length
        } finally {
          server.resume();
        }
        log.log("SIGCONT " + server.kind() + " after " + pause.toMillis() / 1000.0 + " s");
      }
      case KILL_AND_RESTART -> {
        long pid = server.pid();
        server.kill();
        log.log("SIGKILL " + server.kind() + " (pid " + pid + ")");
        server.restart();
        log.log(
            String.format(
                Locale.ROOT,
                "%s started again (pid %d), answering %.1f s after the kill",
                server.kind(),
                server.pid(),
                (System.nanoTime() - t0) / 1e9));
      }
      case RESTART -> {
        log.log("restarting " + server.kind() + " (pid " + server.pid() + ")");
        server.restart();
        log.log(
            String.format(
                Locale.ROOT,
                "%s restarted (pid %d) in %.1f s",
                server.kind(),
                server.pid(),
                (System.nanoTime() - t0) / 1e9));
      }
    }
    return server.isRunning() && !server.isPaused();
  }
}
