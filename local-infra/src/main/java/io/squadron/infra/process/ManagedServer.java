package io.squadron.infra.process;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import io.squadron.infra.LocalServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle every {@link LocalServer} shares: launch, bounded readiness wait, graceful stop,
 * restart on the same port and data, pause and resume, close with cleanup, the shutdown hook and
 * the records that let the next run reap a crashed one. A launcher implements {@link #launch()} and
 * {@link #checkReady()} and may refine how the server is stopped.
 */
public abstract class ManagedServer implements LocalServer {
  private static final Logger log = LoggerFactory.getLogger(ManagedServer.class);
  private static final long GRACEFUL_STOP_MILLIS = 30_000;

  /** 127.0.0.1 without a host name, so that {@code getHostString()} gives the literal address. */
  private static final InetAddress LOOPBACK = loopback();

  private final String kind;
  private final RunDir runDir;
  private final InetSocketAddress address;
  private final Duration startTimeout;

  private final Object lock = new Object();
  private ProcessHandle process;
  private boolean paused;
  private boolean closed;
  private Duration startTime = Duration.ZERO;
  private long peakRssBytes;

  /**
   * @param kind the server kind, as in {@link LocalServer#kind()}
   * @param runDir the server's work directory (owned and deleted by this server)
   * @param port the port the server binds on 127.0.0.1
   * @param startTimeout how long a start may take until the readiness check passes
   */
  protected ManagedServer(String kind, RunDir runDir, int port, Duration startTimeout) {
    this(kind, runDir, LOOPBACK, port, startTimeout);
  }

  /**
   * A server bound to another loopback address ({@code 127.0.0.2}, ... : the nodes of a local
   * cluster share their ports and differ by address).
   *
   * @param host a loopback address given by its numbers (no host name, so {@code getHostString()}
   *     is the literal)
   */
  protected ManagedServer(
      String kind, RunDir runDir, InetAddress host, int port, Duration startTimeout) {
    this.kind = requireNonNull(kind, "kind");
    this.runDir = requireNonNull(runDir, "runDir");
    if (!requireNonNull(host, "host").isLoopbackAddress()) {
      throw new IllegalArgumentException("host: " + host + " (expected: a loopback address)");
    }
    this.address = new InetSocketAddress(host, port);
    this.startTimeout = requireNonNull(startTimeout, "startTimeout");
  }

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Starts the server process with nothing running and returns its main process (not yet ready).
   */
  protected abstract ProcessHandle launch() throws IOException;

  /**
   * Passes (returns) once a real client got an answer from the server; throws while it is not
   * ready.
   */
  protected abstract void checkReady() throws Exception;

  /** The file the server logs to. */
  protected abstract Path logFile();

  /**
   * Stops the server keeping its data: SIGTERM, up to 30 s, then SIGKILL. Launchers may refine it.
   */
  protected void stopGracefully(ProcessHandle main) {
    Processes.terminateTree(main, GRACEFUL_STOP_MILLIS);
  }

  /**
   * Stops the server at once, its data need not survive: SIGKILL to the tree. Launchers may refine
   * it.
   */
  protected void halt(ProcessHandle main) {
    Processes.killTree(main);
  }

  /**
   * Called after the server process is gone (stop, failed start, close), e.g. to close a client.
   */
  protected void afterStop() {}

  /**
   * Starts the server for the first time and waits until it is ready; launchers call this once. On
   * failure the server is closed (process killed, work directory deleted) and the exception is
   * thrown.
   */
  public final void start() {
    ShutdownHook.register(this);
    try {
      synchronized (lock) {
        startLocked();
      }
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  private void startLocked() {
    long started = System.nanoTime();
    ProcessHandle main;
    try {
      main = launch();
    } catch (IOException | RuntimeException e) {
      throw new InfraStartException(
          describe() + " could not be launched: " + e.getMessage() + "; log tail:\n" + logTail(40),
          e);
    }
    process = main;
    runDir.recordServerProcesses(List.of(main));
    try {
      Readiness.await(describe(), main, startTimeout, this::checkReady, () -> logTail(40));
    } catch (RuntimeException e) {
      halt(main);
      process = null;
      afterStop();
      throw e;
    }
    startTime = Duration.ofNanos(System.nanoTime() - started);
    log.info(
        "{} ready in {} ms (pid {}, dir {})", describe(), startTime.toMillis(), main.pid(), runDir);
  }

  private String describe() {
    return kind + " at " + address.getHostString() + ":" + address.getPort();
  }

  @Override
  public final String kind() {
    return kind;
  }

  @Override
  public final InetSocketAddress address() {
    return address;
  }

  @Override
  public final int port() {
    return address.getPort();
  }

  @Override
  public final Duration startTime() {
    synchronized (lock) {
      return startTime;
    }
  }

  @Override
  public final long pid() {
    synchronized (lock) {
      return process == null ? -1 : process.pid();
    }
  }

  @Override
  public final Path workDir() {
    return runDir.path();
  }

  @Override
  public final boolean isRunning() {
    synchronized (lock) {
      return process != null && Processes.running(process);
    }
  }

  @Override
  public final boolean isPaused() {
    synchronized (lock) {
      return paused;
    }
  }

  @Override
  public final void stop() {
    synchronized (lock) {
      ensureOpen();
      stopLocked();
    }
  }

  private void stopLocked() {
    if (process == null) {
      return;
    }
    ProcessHandle main = process;
    if (Processes.running(main)) {
      resumeLocked(); // a stopped process would not act on SIGTERM
      peakRssBytes = Math.max(peakRssBytes, Processes.peakRssBytes(main));
      long started = System.nanoTime();
      stopGracefully(main);
      log.info("{} stopped in {} ms", describe(), (System.nanoTime() - started) / 1_000_000);
    }
    process = null;
    paused = false;
    afterStop();
  }

  @Override
  public final void kill() {
    synchronized (lock) {
      ensureOpen();
      if (process == null) {
        return;
      }
      ProcessHandle main = process;
      if (Processes.running(main)) {
        peakRssBytes = Math.max(peakRssBytes, Processes.peakRssBytes(main));
        Processes.killTree(main); // SIGKILL reaches a stopped (paused) process too
        log.info("{} killed (pid {})", describe(), main.pid());
      }
      process = null;
      paused = false;
      afterStop();
    }
  }

  @Override
  public final void restart() {
    synchronized (lock) {
      ensureOpen();
      stopLocked();
      startLocked();
    }
  }

  @Override
  public final void pause() {
    synchronized (lock) {
      ensureOpen();
      if (process == null) {
        throw new IllegalStateException(describe() + " is stopped (expected: running)");
      }
      if (!paused) {
        Processes.signalTree(process, "STOP");
        Processes.awaitStopped(process, Duration.ofSeconds(5));
        paused = true;
      }
    }
  }

  @Override
  public final void resume() {
    synchronized (lock) {
      ensureOpen();
      resumeLocked();
    }
  }

  private void resumeLocked() {
    if (paused && process != null) {
      Processes.signalTree(process, "CONT");
    }
    paused = false;
  }

  @Override
  public final long peakRssBytes() {
    synchronized (lock) {
      return process != null && Processes.running(process)
          ? Math.max(peakRssBytes, Processes.peakRssBytes(process))
          : peakRssBytes;
    }
  }

  @Override
  public final String logTail(int lines) {
    return tail(logFile(), lines);
  }

  @Override
  public final void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        if (process != null && Processes.running(process)) {
          resumeLocked();
          peakRssBytes = Math.max(peakRssBytes, Processes.peakRssBytes(process));
          halt(process);
        }
        process = null;
        afterStop();
      } finally {
        runDir.delete();
        ShutdownHook.deregister(this);
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(describe() + " is closed");
    }
  }

  @Override
  public String toString() {
    return describe();
  }

  /**
   * The last {@code lines} lines of {@code file} (at most its last 64 KiB), or a note that it does
   * not exist.
   */
  public static String tail(Path file, int lines) {
    if (file == null || !Files.isRegularFile(file)) {
      return "(no log at " + file + ")";
    }
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int size = (int) Math.min(length, 64 * 1024);
      byte[] bytes = new byte[size];
      in.seek(length - size);
      in.readFully(bytes);
      String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n");
      return String.join(
          "\n", Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
