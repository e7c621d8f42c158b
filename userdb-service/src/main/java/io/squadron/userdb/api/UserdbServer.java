package io.squadron.userdb.api;

import static java.util.Objects.requireNonNull;

import io.squadron.migration.PhaseWatcher;
import io.squadron.rpc.server.SquadronServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running userdb: the gRPC server and what it owns (stores, migration agent, Padlock channel), closed together. */
public final class UserdbServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UserdbServer.class);

  private final SquadronServer server;
  private final Optional<PhaseWatcher> watcher;
  private final List<AutoCloseable> resources;

  UserdbServer(SquadronServer server, Optional<PhaseWatcher> watcher, List<AutoCloseable> resources) {
    this.server = requireNonNull(server, "server");
    this.watcher = requireNonNull(watcher, "watcher");
    this.resources = new ArrayList<>(resources);
  }

  /** The gRPC port. */
  public int port() {
    return server.port();
  }

  /** The gRPC server (admin port, registry, readiness). */
  public SquadronServer server() {
    return server;
  }

  /** The migration watcher, when the store mode is {@code migrating}. */
  public Optional<PhaseWatcher> migration() {
    return watcher;
  }

  /** Blocks until the server terminates. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops serving (gracefully), then closes what the server owned, newest first. */
  @Override
  public void close() {
    server.shutdownGracefully();
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        log.warn("closing {} failed: {}", resources.get(i).getClass().getSimpleName(), e.toString());
      }
    }
  }
}
