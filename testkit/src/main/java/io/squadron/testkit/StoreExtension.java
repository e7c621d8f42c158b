package io.squadron.testkit;

import io.squadron.infra.LocalServer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the store extensions share: before the class, the shared server of the test JVM (created on
 * first use in JUnit's root store, closed when the test run ends) or a private one, and a per-class
 * name; after the class, the class's clients closed (and a private server stopped).
 *
 * @param <S> the kind of store server
 */
abstract class StoreExtension<S extends StoreServer>
    implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(StoreExtension.class);

  private final Class<S> storeType;
  private final boolean ownServer;
  private Class<?> owner;
  private S store;
  private String name;

  StoreExtension(Class<S> storeType, boolean ownServer) {
    this.storeType = storeType;
    this.ownServer = ownServer;
  }

  /** The JVM-wide server, from the process environment. */
  abstract S startShared();

  /** A private local server for one class. */
  abstract S startOwn();

  /** Creates the class's database, keyspace or prefix {@code name} and its clients. */
  abstract void setUp(S store, String name) throws Exception;

  /** Closes the class's clients. */
  abstract void tearDown();

  @Override
  public final void beforeAll(ExtensionContext context) throws Exception {
    if (owner != null) {
      return; // a @Nested class inherits the extension: it shares the enclosing class's resources
    }
    Class<?> testClass = context.getRequiredTestClass();
    S server =
        ownServer
            ? startOwn()
            : context
                .getRoot()
                .getStore(NAMESPACE)
                .getOrComputeIfAbsent(storeType, k -> startShared(), storeType);
    String className = Names.forClass(testClass);
    try {
      setUp(server, className);
    } catch (Exception | Error e) {
      if (ownServer) {
        server.close();
      }
      throw e;
    }
    store = server;
    name = className;
    owner = testClass;
  }

  @Override
  public final void afterAll(ExtensionContext context) {
    if (owner == null || context.getRequiredTestClass() != owner) {
      return;
    }
    try {
      tearDown();
    } finally {
      if (ownServer) {
        store.close();
      }
      owner = null;
    }
  }

  final S store() {
    if (owner == null) {
      throw new IllegalStateException(
          "the extension is not set up: register it with @RegisterExtension on a "
              + "static field and use it from tests or @BeforeAll methods");
    }
    return store;
  }

  final String name() {
    store();
    return name;
  }

  /**
   * The server's fault controls (stop, kill, restart on the same port and data, pause, resume).
   * Only for extensions made with {@code ownServer()}: the shared server is everyone's.
   *
   * @throws IllegalStateException for a shared server
   */
  public final LocalServer server() {
    if (!ownServer) {
      throw new IllegalStateException(
          "a shared server has no fault controls: use ownServer() for fault tests");
    }
    return store()
        .local()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "a cluster has no single server: use cluster().node(i) for one node's fault controls"));
  }
}
