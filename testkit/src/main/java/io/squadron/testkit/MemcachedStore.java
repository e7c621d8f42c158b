package io.squadron.testkit;

import io.squadron.infra.LocalInfra;
import io.squadron.infra.memcached.MemcachedLauncher;
import io.squadron.infra.memcached.MemcachedServer;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;

/**
 * A memcached server for tests, at {@code host:port}. Keys are isolated by prefix; nothing is
 * dropped.
 */
final class MemcachedStore extends StoreServer {
  private final String hostAndPort;

  private MemcachedStore(
      Source source, String hostAndPort, MemcachedServer local, AutoCloseable owned) {
    super(source, local, owned);
    this.hostAndPort = hostAndPort;
  }

  /** The server named by {@code SQUADRON_MEMCACHED}, else a container, else a local process. */
  static MemcachedStore shared(Map<String, String> environment) {
    switch (Source.choose(environment, LocalInfra.MEMCACHED_ENV)) {
      case ENVIRONMENT:
        return new MemcachedStore(
            Source.ENVIRONMENT, environment.get(LocalInfra.MEMCACHED_ENV).trim(), null, null);
      case CONTAINER:
        return containerOrLocal(
            "memcached", MemcachedStore::container, MemcachedStore::localProcess);
      default:
        return localProcess();
    }
  }

  /** A new local memcached process. */
  static MemcachedStore localProcess() {
    MemcachedServer server = MemcachedLauncher.builder().start();
    return new MemcachedStore(Source.LOCAL_PROCESS, server.hostAndPort(), server, server);
  }

  private static MemcachedStore container() {
    GenericContainer<?> container = Containers.memcached();
    container.start();
    return new MemcachedStore(
        Source.CONTAINER,
        container.getHost() + ":" + container.getMappedPort(Containers.MEMCACHED_PORT),
        null,
        container);
  }

  String hostAndPort() {
    return hostAndPort;
  }

  @Override
  void drop(String prefix) {
    // Keys under a prefix cannot be listed in memcached; they expire or are evicted.
  }
}
