package io.squadron.testkit;

import io.squadron.infra.LocalServer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store server the tests use: where it came from, the local-infra handle if it is a local
 * process, the names created on it for test classes, and what to close at the end.
 *
 * <p>On an external server (from the environment) every database or keyspace created for a test
 * class is dropped when the server is closed at the end of the test run; on a server started here
 * nothing needs dropping, the server goes away with its data.
 */
abstract class StoreServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StoreServer.class);

  private final Source source;
  private final LocalServer local;
  private final AutoCloseable owned;
  private final List<String> created = new CopyOnWriteArrayList<>();

  StoreServer(Source source, LocalServer local, AutoCloseable owned) {
    this.source = source;
    this.local = local;
    this.owned = owned;
  }

  /** Where the server came from. */
  final Source source() {
    return source;
  }

  /** The local-infra handle, if this server is a local process started here. */
  final Optional<LocalServer> local() {
    return Optional.ofNullable(local);
  }

  /** Remembers a name created for a test class, to drop it at the end if the server is external. */
  final void created(String name) {
    created.add(name);
  }

  /** Drops one database or keyspace on an external server. */
  abstract void drop(String name) throws Exception;

  /** Closes the clients this holder keeps (admin sessions). */
  void closeClients() {}

  @Override
  public final void close() {
    if (source == Source.ENVIRONMENT) {
      for (String name : created) {
        try {
          drop(name);
        } catch (Exception e) {
          log.warn("Cannot drop {} on the external server", name, e);
        }
      }
    }
    closeClients();
    if (owned != null) {
      try {
        owned.close();
      } catch (Exception e) {
        log.warn("Cannot stop {}", owned, e);
      }
    }
  }

  /**
   * Starts a container, falling back to a local process if the container cannot be started (no
   * image, no registry): Docker is a convenience, never a requirement.
   */
  static <T extends StoreServer> T containerOrLocal(
      String kind, Supplier<T> container, Supplier<T> localProcess) {
    try {
      return container.get();
    } catch (RuntimeException e) {
      log.warn(
          "Cannot start a {} container ({}); starting a local process instead", kind, e.toString());
      return localProcess.get();
    }
  }
}
