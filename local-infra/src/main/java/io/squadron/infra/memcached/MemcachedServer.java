package io.squadron.infra.memcached;

import io.squadron.infra.process.ManagedServer;
import io.squadron.infra.process.Processes;
import io.squadron.infra.process.Readiness;
import io.squadron.infra.process.RunDir;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;

/**
 * A memcached server started by {@link MemcachedLauncher}. memcached keeps nothing on disk: a
 * {@link #restart()} comes back on the same port, empty.
 */
public final class MemcachedServer extends ManagedServer {
  static {
    // spymemcached logs to stderr through its own logger unless told to use SLF4J; respect a choice
    // made before.
    if (System.getProperty("net.spy.log.LoggerImpl") == null) {
      System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
    }
  }

  private final Path binary;
  private final int memoryMb;

  MemcachedServer(Path binary, RunDir runDir, int port, int memoryMb, Duration startTimeout) {
    super("memcached", runDir, port, startTimeout);
    this.binary = binary;
    this.memoryMb = memoryMb;
  }

  /**
   * {@code 127.0.0.1:PORT}, the format of {@code SQUADRON_MEMCACHED} and of spymemcached's {@code
   * AddrUtil}.
   */
  public String hostAndPort() {
    return address().getHostString() + ":" + port();
  }

  @Override
  protected ProcessHandle launch() throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary.toString(),
                "-l",
                "127.0.0.1",
                "-p",
                Integer.toString(port()),
                "-U",
                "0",
                "-m",
                Integer.toString(memoryMb),
                "-c",
                "1024",
                "-v"));
    if (Processes.runningAsRoot()) {
      command.addAll(List.of("-u", "nobody"));
    }
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
        .start()
        .toHandle();
  }

  @Override
  protected void checkReady() throws Exception {
    Readiness.portOpen(address()).check();
    MemcachedClient client =
        new MemcachedClient(
            new ConnectionFactoryBuilder()
                .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                .setOpTimeout(2_000)
                .setDaemon(true)
                .build(),
            List.of(new InetSocketAddress(address().getAddress(), port())));
    try {
      if (!client.set("squadron-infra:ready", 60, "1").get(2, TimeUnit.SECONDS)) {
        throw new IllegalStateException("set was refused");
      }
      if (!"1".equals(client.get("squadron-infra:ready"))) {
        throw new IllegalStateException("get did not return what set stored");
      }
    } finally {
      client.shutdown(1, TimeUnit.SECONDS);
    }
  }

  @Override
  protected void stopGracefully(ProcessHandle main) {
    // memcached keeps nothing to flush, and on SIGTERM it takes up to a second to notice: kill it
    // at once.
    halt(main);
  }

  @Override
  protected Path logFile() {
    return workDir().resolve("memcached.log");
  }
}
