package io.squadron.infra;

import io.squadron.infra.memcached.MemcachedLauncher;
import io.squadron.infra.memcached.MemcachedServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A child JVM for {@link CrashCleanupTest}: starts memcached under the work root {@code args[0]},
 * prints {@code PID <server pid>}, then either exits without closing the server once a line arrives
 * on stdin ({@code args[1] = exit}, so only the shutdown hook can stop it) or waits to be killed
 * ({@code hang}).
 */
public final class OrphanOwner {
  private OrphanOwner() {}

  public static void main(String[] args) throws InterruptedException, java.io.IOException {
    MemcachedServer server = MemcachedLauncher.builder().workRoot(Path.of(args[0])).start();
    System.out.println("PID " + server.pid());
    System.out.flush();
    if (args[1].equals("exit")) {
      System.in.read(); // the parent holds a handle on the server first
      System.exit(0);
    }
    new CountDownLatch(1).await();
  }
}
