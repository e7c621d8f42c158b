package io.squadron.infra;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real server process started on this machine by a launcher of this module (PostgreSQL,
 * Cassandra, memcached, Kafka or the payment provider simulator), bound to 127.0.0.1 on a free
 * port, with its data in a private work directory.
 *
 * <p>Besides reporting where it listens, a handle offers the fault controls reliability tests need:
 * {@link #stop()}, {@link #kill()} and {@link #restart()} (same port, same data), {@link #pause()}
 * and {@link #resume()} (SIGSTOP / SIGCONT of the whole process tree). {@link #close()} stops the
 * server for good and deletes its work directory; servers still open when the JVM exits are killed
 * by a shutdown hook, and a run that died without one is cleaned up by the next run (see {@link
 * io.squadron.infra.process.RunDir}).
 *
 * <p>Handles are thread-safe.
 */
public interface LocalServer extends AutoCloseable {

  /**
   * The kind of server: {@code "postgres"}, {@code "cassandra"}, {@code "memcached"}, {@code
   * "kafka"}, {@code "providers-sim"} or {@code "prometheus"}.
   */
  String kind();

  /** The loopback address clients connect to ({@code 127.0.0.1} and {@link #port()}). */
  InetSocketAddress address();

  /** The port clients connect to; it stays the same across {@link #restart()}. */
  int port();

  /**
   * How long the last start (or restart) took, from launching the process until a real client got
   * an answer.
   */
  Duration startTime();

  /** The operating-system id of the server's main process, or -1 while it is stopped. */
  long pid();

  /** The server's private work directory (data, configuration, log). */
  Path workDir();

  /** Whether the server process is alive (a paused server is alive). */
  boolean isRunning();

  /** Whether the server is paused by {@link #pause()}. */
  boolean isPaused();

  /**
   * Stops the server gracefully (it flushes what it holds), keeping its data and port for {@link
   * #restart()}. Does nothing if it is already stopped.
   */
  void stop();

  /**
   * Kills the server at once (SIGKILL to its process tree), as a crash would: nothing is flushed or
   * shut down cleanly, but the data directory and port are kept for {@link #restart()}, which then
   * runs the server's own crash recovery. What survives is what a crash of the server's processes
   * (not of the machine) keeps: for PostgreSQL, run with {@code synchronous_commit=off}, the
   * commits its WAL writer had flushed (all but the last ~0.6 s); for Kafka and Cassandra, what
   * they had written to their files. Does nothing if it is already stopped.
   */
  void kill();

  /**
   * Starts the server again on the same port with the same data directory, stopping it first if it
   * runs, and waits until it answers again.
   *
   * @throws InfraStartException if it does not become ready in time
   */
  void restart();

  /** Freezes the server's processes (SIGSTOP): connections stay open, nothing is answered. */
  void pause();

  /** Lets a paused server run again (SIGCONT). Does nothing if it is not paused. */
  void resume();

  /**
   * The peak resident memory of the server's processes in bytes (the sum of {@code VmHWM} over the
   * process tree; for PostgreSQL that counts shared buffers once per process, so it is an upper
   * bound). Read live while running, and kept from the moment of the last stop afterwards.
   */
  long peakRssBytes();

  /** The last lines of the server's log, for error messages. */
  String logTail(int lines);

  /** Stops the server at once (its data is not kept) and deletes its work directory. Idempotent. */
  @Override
  void close();
}
