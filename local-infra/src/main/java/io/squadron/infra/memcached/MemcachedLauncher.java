package io.squadron.infra.memcached;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.InfraStartException;
import io.squadron.infra.process.DebianPackages;
import io.squadron.infra.process.Ports;
import io.squadron.infra.process.RunDir;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts a real memcached on 127.0.0.1 and a free port: {@code memcached -l 127.0.0.1 -p PORT -U 0
 * -m 64 -c 1024 [-u nobody]} (as root it drops to {@code nobody}).
 *
 * <pre>{@code
 * try (MemcachedServer memcached = MemcachedLauncher.builder().start()) {
 *     String address = memcached.hostAndPort(); // "127.0.0.1:PORT"
 * }
 * }</pre>
 */
public final class MemcachedLauncher {
  /**
   * How long a start may take by default (the server is ready in ~30 ms; an install takes longer).
   */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

  /** Default cache size. */
  public static final int DEFAULT_MEMORY_MB = 64;

  private Path workRoot = RunDir.defaultRoot();
  private Duration startTimeout = DEFAULT_START_TIMEOUT;
  private int memoryMb = DEFAULT_MEMORY_MB;
  private boolean installIfMissing = true;
  private String searchPath = System.getenv("PATH");

  private MemcachedLauncher() {}

  /** A launcher with the defaults. */
  public static MemcachedLauncher builder() {
    return new MemcachedLauncher();
  }

  /**
   * Where work directories go (default {@link RunDir#defaultRoot()}: /dev/shm/squadron-infra when
   * it has room, else java.io.tmpdir/squadron-infra).
   */
  public MemcachedLauncher workRoot(Path workRoot) {
    this.workRoot = requireNonNull(workRoot, "workRoot");
    return this;
  }

  /** How long a start may take (default 30 s). */
  public MemcachedLauncher startTimeout(Duration startTimeout) {
    requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout: " + startTimeout + " (expected: > 0)");
    }
    this.startTimeout = startTimeout;
    return this;
  }

  /** Cache size in MiB (default 64). */
  public MemcachedLauncher memoryMb(int memoryMb) {
    if (memoryMb < 1) {
      throw new IllegalArgumentException("memoryMb: " + memoryMb + " (expected: >= 1)");
    }
    this.memoryMb = memoryMb;
    return this;
  }

  /**
   * Whether a missing binary is installed with apt-get when running as root (default true).
   * Otherwise, or when not root, a missing binary fails the start with the command to run.
   */
  public MemcachedLauncher installIfMissing(boolean installIfMissing) {
    this.installIfMissing = installIfMissing;
    return this;
  }

  /**
   * The directories to look for the binary in, like {@code PATH} (default: this process's PATH).
   */
  public MemcachedLauncher searchPath(String searchPath) {
    this.searchPath = searchPath;
    return this;
  }

  /**
   * Starts the server and waits until spymemcached can set and get a key.
   *
   * @throws InfraStartException if memcached is missing and cannot be installed, or does not become
   *     ready
   */
  public MemcachedServer start() {
    Path binary =
        DebianPackages.locate("memcached", "memcached", searchPath, installIfMissing, workRoot);
    MemcachedServer server =
        new MemcachedServer(
            binary,
            RunDir.create(workRoot, "memcached"),
            Ports.random().next(),
            memoryMb,
            startTimeout);
    server.start();
    return server;
  }
}
