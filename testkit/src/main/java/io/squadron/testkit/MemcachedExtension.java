package io.squadron.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.MemcachedClient;

/**
 * A memcached key prefix of the test class's own, on a real server. memcached has no namespaces:
 * tests keep apart by writing every key through {@link #key(String)}.
 *
 * <pre>
 * &#64;RegisterExtension
 * static final MemcachedExtension MEMCACHED = MemcachedExtension.perClass();
 * ...
 * MEMCACHED.client().set(MEMCACHED.key("user:1"), 60, "ada");
 * </pre>
 *
 * <p>{@link #perClass()} shares the test JVM's server ({@code SQUADRON_MEMCACHED} if set, else one
 * started on first use); {@link #ownServer()} starts a private server for fault tests ({@link
 * #server()}).
 */
public final class MemcachedExtension extends StoreExtension<MemcachedStore> {
  private String prefix;
  private MemcachedClient client;

  private MemcachedExtension(boolean ownServer) {
    super(MemcachedStore.class, ownServer);
  }

  /** A key prefix of the class's own on the test JVM's shared server. */
  public static MemcachedExtension perClass() {
    return new MemcachedExtension(false);
  }

  /**
   * A key prefix on a private local server, stopped after the class; its fault controls are {@link
   * #server()}.
   */
  public static MemcachedExtension ownServer() {
    return new MemcachedExtension(true);
  }

  @Override
  MemcachedStore startShared() {
    return MemcachedStore.shared(System.getenv());
  }

  @Override
  MemcachedStore startOwn() {
    return MemcachedStore.localProcess();
  }

  @Override
  void setUp(MemcachedStore store, String name) {
    prefix = name + ":";
  }

  @Override
  synchronized void tearDown() {
    if (client != null) {
      client.shutdown(1, TimeUnit.SECONDS);
      client = null;
    }
  }

  /** {@code host:port} of the server (the {@code SQUADRON_MEMCACHED} format). */
  public String hostAndPort() {
    return store().hostAndPort();
  }

  /** The server's address. */
  public InetSocketAddress address() {
    return AddrUtil.getAddresses(hostAndPort()).get(0);
  }

  /** The class's key prefix, e.g. {@code t_cachetest_1a2b3c4d:}. */
  public String prefix() {
    store();
    return prefix;
  }

  /** {@code key} under the class's prefix. */
  public String key(String key) {
    return prefix() + key;
  }

  /**
   * A spymemcached client on the server (binary protocol, 2 s operation timeout), made on first use
   * and shut down after the class. Keys are not prefixed for you: use {@link #key(String)}.
   */
  public synchronized MemcachedClient client() {
    store();
    if (client == null) {
      try {
        client =
            new MemcachedClient(
                new ConnectionFactoryBuilder()
                    .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
                    .setOpTimeout(2_000)
                    .setDaemon(true)
                    .build(),
                AddrUtil.getAddresses(hostAndPort()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot connect to memcached at " + hostAndPort(), e);
      }
    }
    return client;
  }
}
