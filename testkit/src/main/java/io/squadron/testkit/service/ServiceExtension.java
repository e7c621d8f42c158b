package io.squadron.testkit.service;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.grpc.Channel;
import io.squadron.rpc.descriptor.ServiceDescriptor;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.KafkaExtension;
import io.squadron.testkit.MemcachedExtension;
import io.squadron.testkit.PostgresExtension;
import io.squadron.testkit.ProvidersSimExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a service for a test class exactly as it runs in production ({@link ServiceHarness}: its
 * descriptor, its main class's {@code start(Config)}, mutual TLS, its real policy) on real stores
 * of its own: a database, keyspace or key prefix created for the class on the test JVM's shared
 * servers, for each store its descriptor needs. Stops it after the class.
 *
 * <pre>{@code
 * &#64;RegisterExtension
 * static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");
 * &#64;RegisterExtension
 * static final ServiceExtension USERDB = ServiceExtension.forService("userdb").calls(PADLOCK)
 *     .config("squadron.userdb.store = cassandra");
 *
 * &#64;Test void createsUsers() {
 *   var users = USERDB.stub("checkout", UserServiceGrpc::newBlockingStub);   // called as checkout, over mTLS
 *   ...
 *   try (Connection c = USERDB.postgres().dataSource().getConnection()) { ... }  // what was stored
 * }
 * }</pre>
 *
 * <p>A fault test passes its own store ({@code PostgresExtension.ownServer()}, declared before this
 * extension) with {@link #postgres(PostgresExtension)} and friends, and stops or pauses it through
 * that extension.
 */
public final class ServiceExtension implements BeforeAllCallback, AfterAllCallback {
  private final ServiceHarness harness;
  private final List<ServiceExtension> callees = new ArrayList<>();
  private final List<AfterAllCallback> ownStores = new ArrayList<>();
  private PostgresExtension postgres;
  private CassandraExtension cassandra;
  private MemcachedExtension memcached;
  private KafkaExtension kafka;
  private ProvidersSimExtension providersSim;
  private boolean setUp;

  private ServiceExtension(ServiceHarness harness) {
    this.harness = harness;
  }

  /**
   * The service whose descriptor on the test class path names it {@code name}.
   *
   * @throws IllegalArgumentException when no descriptor names it
   */
  public static ServiceExtension forService(String name) {
    return new ServiceExtension(ServiceHarness.forService(name));
  }

  /** The services this one calls, started by their own extensions (registered before this one). */
  public ServiceExtension calls(ServiceExtension... services) {
    for (ServiceExtension s : services) {
      callees.add(requireNonNull(s, "service"));
    }
    return this;
  }

  /**
   * HOCON over the generated config (later calls win); e.g. {@code "squadron.userdb.store =
   * cassandra"}.
   */
  public ServiceExtension config(String hocon) {
    harness.config(hocon);
    return this;
  }

  /**
   * The service's PostgreSQL database is {@code pg}'s (a fault test's private server), not one of
   * its own.
   */
  public ServiceExtension postgres(PostgresExtension pg) {
    this.postgres = requireNonNull(pg, "pg");
    return this;
  }

  /** The service's keyspace is {@code cs}'s, not one of its own. */
  public ServiceExtension cassandra(CassandraExtension cs) {
    this.cassandra = requireNonNull(cs, "cs");
    return this;
  }

  /** The service's memcached prefix is {@code mc}'s, not one of its own. */
  public ServiceExtension memcached(MemcachedExtension mc) {
    this.memcached = requireNonNull(mc, "mc");
    return this;
  }

  /** The service's Kafka is {@code kafka}'s (with its topic prefix), not a broker of its own. */
  public ServiceExtension kafka(KafkaExtension kafka) {
    this.kafka = requireNonNull(kafka, "kafka");
    return this;
  }

  /**
   * The service's payment provider simulator is {@code sim}'s (a test that drives or faults it),
   * not one of its own.
   */
  public ServiceExtension providersSim(ProvidersSimExtension sim) {
    this.providersSim = requireNonNull(sim, "sim");
    return this;
  }

  /** Configures a client app {@code app:<name>} with a fresh token, for {@link #appStub}. */
  public ServiceExtension appToken(String appName) {
    harness.appToken(appName);
    return this;
  }

  /**
   * The deadline of the test's calls (default 20 s: a busy 2-core CI machine must not turn slowness
   * into failures).
   */
  public ServiceExtension clientDeadline(Duration deadline) {
    harness.clientDeadline(deadline);
    return this;
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) throws Exception {
    if (setUp) {
      return; // started early by a caller's extension (JUnit orders @RegisterExtension fields
      // unpredictably)
    }
    Platform.routeJavaLoggingToSlf4j();
    // What this service needs must be up first, whatever order JUnit runs the extensions in: a
    // store or a callee
    // set up here is not set up again when JUnit gets to it.
    for (BeforeAllCallback given :
        new BeforeAllCallback[] {postgres, cassandra, memcached, kafka, providersSim}) {
      if (given != null) {
        given.beforeAll(context);
      }
    }
    for (ServiceExtension callee : callees) {
      callee.beforeAll(context);
    }
    ServiceDescriptor d = harness.descriptor();
    if (d.needs(ServiceDescriptor.Stores.POSTGRES) && postgres == null) {
      postgres = own(PostgresExtension.perClass(), context);
    }
    if (d.needs(ServiceDescriptor.Stores.CASSANDRA) && cassandra == null) {
      cassandra = own(CassandraExtension.perClass(), context);
    }
    if (d.needs(ServiceDescriptor.Stores.MEMCACHED) && memcached == null) {
      memcached = own(MemcachedExtension.perClass(), context);
    }
    if (d.needs(ServiceDescriptor.Stores.KAFKA) && kafka == null) {
      kafka = own(KafkaExtension.perClass(), context);
    }
    if (kafka != null) {
      harness.kafka(kafka.bootstrapServers(), kafka.prefix());
    }
    if (d.needs(ServiceDescriptor.Stores.PROVIDERS_SIM) && providersSim == null) {
      providersSim = own(ProvidersSimExtension.perClass(), context);
    }
    if (postgres != null) {
      harness.postgres(postgres.jdbcUrl());
    }
    if (providersSim != null) {
      harness.providersSim(providersSim.baseUrl());
    }
    if (cassandra != null) {
      harness.cassandra(cassandra.endpoint().toString(), cassandra.keyspace());
    }
    if (memcached != null) {
      harness.memcached(memcached.hostAndPort(), memcached.prefix());
    }
    for (ServiceExtension callee : callees) {
      harness.calls(callee.name(), callee.port());
    }
    harness.start();
    setUp = true;
  }

  private <E extends BeforeAllCallback & AfterAllCallback> E own(E store, ExtensionContext context)
      throws Exception {
    store.beforeAll(context);
    ownStores.add(store);
    return store;
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) throws Exception {
    setUp = false;
    try {
      harness.close();
    } finally {
      for (int i = ownStores.size() - 1; i >= 0; i--) {
        ownStores.get(i).afterAll(context);
      }
      ownStores.clear();
    }
  }

  /** The service's name. */
  public String name() {
    return harness.name();
  }

  /** The service's descriptor. */
  public ServiceDescriptor descriptor() {
    return harness.descriptor();
  }

  /** The config the service was started with (stores, certificates, the test's own keys). */
  public Config config() {
    return harness.config();
  }

  /**
   * Starts the service again after {@link #stop()}, on the same stores and port; waits until it is
   * ready.
   */
  public void start() {
    harness.start();
  }

  /**
   * Stops the service gracefully (to test its callers); channels stay and reconnect after {@link
   * #start()}.
   */
  public void stop() {
    harness.stop();
  }

  /**
   * Starts one more instance with {@code hocon} over the class's config (same stores); stopped
   * after the class.
   */
  public SquadronServer startInstance(String hocon) {
    return harness.startInstance(hocon);
  }

  /** Starts one more instance with a config of the test's own making; stopped after the class. */
  public SquadronServer startInstance(Config instanceConfig) {
    return harness.startInstance(instanceConfig);
  }

  /** The running server (its port, metrics registry, readiness). */
  public SquadronServer server() {
    return harness.server();
  }

  /** The bound gRPC port. */
  public int port() {
    return harness.port();
  }

  /** The bound HTTP/JSON port ({@code http-json} in the descriptor). */
  public int httpPort() {
    return harness.httpPort();
  }

  /** {@code https://127.0.0.1:<http port><pathAndQuery>}. */
  public java.net.URI httpUri(String pathAndQuery) {
    return harness.httpUri(pathAndQuery);
  }

  /**
   * An HTTP client trusting the test CA, presenting the certificate of {@code caller} (a service
   * name).
   */
  public java.net.http.HttpClient httpClient(String caller) {
    return harness.httpClient(java.util.Optional.of(caller));
  }

  /**
   * An HTTP client trusting the test CA without a client certificate (a browser; send the app token
   * yourself).
   */
  public java.net.http.HttpClient httpClient() {
    return harness.httpClient(java.util.Optional.empty());
  }

  /** A channel to the service as {@code caller} over mutual TLS, through rpc-core's client. */
  public Channel channel(String caller) {
    return harness.channel(caller);
  }

  /** A stub as {@code caller}, e.g. {@code stub("checkout", UserServiceGrpc::newBlockingStub)}. */
  public <S> S stub(String caller, Function<Channel, S> newStub) {
    return harness.stub(caller, newStub);
  }

  /** A stub as {@code caller} to another instance ({@link #startInstance}). */
  public <S> S stub(String caller, SquadronServer instance, Function<Channel, S> newStub) {
    return harness.stub(caller, instance, newStub);
  }

  /**
   * A stub as the client app {@code app:<appName>}: TLS without a client certificate, and its
   * bearer token.
   */
  public <S extends io.grpc.stub.AbstractStub<S>> S appStub(
      String appName, Function<Channel, S> newStub) {
    return harness.appStub(appName, newStub);
  }

  /** The token of {@code app:<appName>} (to test a wrong or missing one next to it). */
  public String appTokenOf(String appName) {
    return harness.appTokenOf(appName);
  }

  /** The service's PostgreSQL database (to assert on what was stored). */
  public PostgresExtension postgres() {
    return requireStore(postgres, "postgres");
  }

  /** The service's Cassandra keyspace. */
  public CassandraExtension cassandra() {
    return requireStore(cassandra, "cassandra");
  }

  /** The service's payment provider simulator. */
  public ProvidersSimExtension providersSim() {
    return requireStore(providersSim, "providers-sim");
  }

  /**
   * The service's Kafka: the class's topic prefix, which the service puts before its topic names.
   */
  public KafkaExtension kafka() {
    return requireStore(kafka, "kafka");
  }

  /** The service's memcached prefix. */
  public MemcachedExtension memcached() {
    return requireStore(memcached, "memcached");
  }

  private <T> T requireStore(T store, String kind) {
    if (store == null) {
      throw new IllegalStateException(
          name() + " has no " + kind + " store (its descriptor does not list one)");
    }
    return store;
  }
}
