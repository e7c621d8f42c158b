package io.squadron.padlock.server.api;

import io.squadron.padlock.server.keys.KeyService;
import io.squadron.padlock.server.store.RootCache;
import io.squadron.padlock.server.store.RootStore;
import io.squadron.rpc.platform.ServerSecurity;
import io.squadron.rpc.server.SquadronServer;

/**
 * A running Padlock: the gRPC server and everything it owns (stores, key service, security), closed together in
 * reverse order of creation.
 */
public final class PadlockServer implements AutoCloseable {
  private final SquadronServer server;
  private final ServerSecurity security;
  private final KeyService keys;
  private final RootStore store;
  private final RootCache cache;

  PadlockServer(SquadronServer server, ServerSecurity security, KeyService keys, RootStore store, RootCache cache) {
    this.server = server;
    this.security = security;
    this.keys = keys;
    this.store = store;
    this.cache = cache;
  }

  /** The gRPC port. */
  public int port() {
    return server.port();
  }

  /** The underlying server (metrics registry, readiness, admin port). */
  public SquadronServer server() {
    return server;
  }

  /** Blocks until the server terminates. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops serving gracefully, then closes the key service and the stores. */
  @Override
  public void close() {
    try {
      server.shutdownGracefully();
    } finally {
      security.close();
      keys.close();
      cache.close();
      store.close();
    }
  }
}
