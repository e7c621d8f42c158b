package io.squadron.infra;

import static java.util.Objects.requireNonNull;

import io.squadron.infra.cassandra.CassandraLauncher;
import io.squadron.infra.cassandra.CassandraServer;
import io.squadron.infra.kafka.KafkaLauncher;
import io.squadron.infra.kafka.KafkaServer;
import io.squadron.infra.memcached.MemcachedLauncher;
import io.squadron.infra.memcached.MemcachedServer;
import io.squadron.infra.postgres.PostgresLauncher;
import io.squadron.infra.postgres.PostgresServer;
import io.squadron.infra.process.RunDir;
import io.squadron.infra.providers.ProvidersSimLauncher;
import io.squadron.infra.providers.ProvidersSimServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stores of the local platform: real PostgreSQL, Cassandra, memcached and Kafka servers started
 * on this machine (in parallel), or external ones named by address, and the environment that tells
 * services where they are.
 *
 * <pre>{@code
 * try (LocalInfra infra = LocalInfra.builder()
 *         .fromEnvironment(System.getenv())   // SQUADRON_* already set: use those, start nothing for them
 *         .postgres(true).cassandra(true).memcached(true).kafka(true)
 *         .build()
 *         .start()) {
 *     Map<String, String> env = infra.environment(); // hand to every service process
 * }
 * }</pre>
 *
 * <p>The environment, one variable per wanted store:
 *
 * <ul>
 *   <li>{@value #POSTGRES_URL_ENV}: a JDBC URL with user and password parameters, {@code
 *       jdbc:postgresql://127.0.0.1:PORT/postgres?user=postgres&password=SECRET};
 *   <li>{@value #CASSANDRA_ENV}: {@code host:port[,host:port...]/datacenter}, e.g. {@code
 *       127.0.0.1:PORT/datacenter1} (services parse it with store-support's {@code
 *       CassandraEndpoint});
 *   <li>{@value #MEMCACHED_ENV}: {@code host:port}, e.g. {@code 127.0.0.1:PORT};
 *   <li>{@value #KAFKA_ENV}: Kafka's {@code bootstrap.servers}, {@code host:port[,host:port...]},
 *       e.g. {@code 127.0.0.1:PORT};
 *   <li>{@value #PROVIDERS_SIM_ENV}: the payment provider simulator's base URL, {@code
 *       http://127.0.0.1:PORT} (providers under {@code /<name>}, API keys and webhook secrets from
 *       {@code GET /_control/credentials}).
 * </ul>
 *
 * <p>{@link #close()} stops every server this instance started; the JVM's shutdown hook does too if
 * it is never called.
 */
public final class LocalInfra implements AutoCloseable {
  /** The PostgreSQL JDBC URL variable. */
  public static final String POSTGRES_URL_ENV = "SQUADRON_POSTGRES_URL";

  /** The Cassandra endpoint variable. */
  public static final String CASSANDRA_ENV = "SQUADRON_CASSANDRA";

  /** The memcached address variable. */
  public static final String MEMCACHED_ENV = "SQUADRON_MEMCACHED";

  /** The Kafka bootstrap servers variable. */
  public static final String KAFKA_ENV = "SQUADRON_KAFKA";

  /** The payment provider simulator's base URL variable. */
  public static final String PROVIDERS_SIM_ENV = "SQUADRON_PROVIDERS_SIM";

  /**
   * Where the started servers' work directories go instead of {@link RunDir#defaultRoot()}: a run
   * that faults its own servers (squadron chaos) keeps them apart from every other run's.
   */
  public static final String WORK_ROOT_ENV = "SQUADRON_INFRA_WORK_ROOT";

  private static final Logger log = LoggerFactory.getLogger(LocalInfra.class);

  private final Builder config;
  private final Object lock = new Object();
  private boolean started;
  private PostgresServer postgres;
  private CassandraServer cassandra;
  private MemcachedServer memcached;
  private KafkaServer kafka;
  private ProvidersSimServer providersSim;

  private LocalInfra(Builder config) {
    this.config = config;
  }

  /** A builder that wants no store yet. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the wanted servers that are not external, in parallel, and waits until all are ready. If
   * one fails, those already started are stopped and the first failure is thrown (the others are
   * suppressed in it).
   *
   * @return this
   * @throws InfraStartException if a server cannot be started
   * @throws IllegalStateException if called twice
   */
  public LocalInfra start() {
    synchronized (lock) {
      if (started) {
        throw new IllegalStateException("LocalInfra already started");
      }
      started = true;
      long begin = System.nanoTime();
      CompletableFuture<PostgresServer> pg =
          launch(
              config.postgres && config.postgresUrl == null,
              () -> PostgresLauncher.builder().workRoot(config.workRoot).start());
      CompletableFuture<CassandraServer> cs =
          launch(
              config.cassandra && config.cassandraEndpoint == null,
              () -> {
                CassandraLauncher launcher =
                    CassandraLauncher.builder()
                        .workRoot(config.workRoot)
                        .heapMb(config.cassandraHeapMb);
                if (config.javaHome != null) {
                  launcher.javaHome(config.javaHome);
                }
                return launcher.start();
              });
      CompletableFuture<MemcachedServer> mc =
          launch(
              config.memcached && config.memcachedAddress == null,
              () -> MemcachedLauncher.builder().workRoot(config.workRoot).start());
      CompletableFuture<KafkaServer> kf =
          launch(
              config.kafka && config.kafkaBootstrap == null,
              () -> KafkaLauncher.builder().workRoot(config.workRoot).start());
      CompletableFuture<ProvidersSimServer> ps =
          launch(
              config.providersSim && config.providersSimUrl == null,
              () ->
                  ProvidersSimLauncher.builder()
                      .workRoot(config.workRoot)
                      .seed(config.providersSimSeed)
                      .start());
      List<Throwable> failures = new ArrayList<>();
      postgres = join(pg, failures);
      cassandra = join(cs, failures);
      memcached = join(mc, failures);
      kafka = join(kf, failures);
      providersSim = join(ps, failures);
      if (!failures.isEmpty()) {
        close();
        RuntimeException first =
            failures.get(0) instanceof RuntimeException
                ? (RuntimeException) failures.get(0)
                : new InfraStartException("local infrastructure failed to start", failures.get(0));
        failures.subList(1, failures.size()).forEach(first::addSuppressed);
        throw first;
      }
      log.info(
          "Local infrastructure ready in {} ms: {}",
          (System.nanoTime() - begin) / 1_000_000,
          servers());
      return this;
    }
  }

  private static <T> CompletableFuture<T> launch(boolean wanted, Supplier<T> start) {
    return wanted
        ? CompletableFuture.supplyAsync(
            start,
            runnable -> {
              Thread thread = new Thread(runnable, "squadron-infra-start");
              thread.setDaemon(true);
              thread.start();
            })
        : CompletableFuture.completedFuture(null);
  }

  private static <T> T join(CompletableFuture<T> future, List<Throwable> failures) {
    try {
      return future.join();
    } catch (CompletionException e) {
      failures.add(e.getCause());
      return null;
    }
  }

  /** The PostgreSQL server this instance started (empty if not wanted or external). */
  public Optional<PostgresServer> postgres() {
    synchronized (lock) {
      return Optional.ofNullable(postgres);
    }
  }

  /** The Cassandra node this instance started (empty if not wanted or external). */
  public Optional<CassandraServer> cassandra() {
    synchronized (lock) {
      return Optional.ofNullable(cassandra);
    }
  }

  /** The memcached server this instance started (empty if not wanted or external). */
  public Optional<MemcachedServer> memcached() {
    synchronized (lock) {
      return Optional.ofNullable(memcached);
    }
  }

  /** The Kafka broker this instance started (empty if not wanted or external). */
  public Optional<KafkaServer> kafka() {
    synchronized (lock) {
      return Optional.ofNullable(kafka);
    }
  }

  /** The payment provider simulator this instance started (empty if not wanted or external). */
  public Optional<ProvidersSimServer> providersSim() {
    synchronized (lock) {
      return Optional.ofNullable(providersSim);
    }
  }

  /** Every server this instance started. */
  public List<LocalServer> servers() {
    synchronized (lock) {
      List<LocalServer> all = new ArrayList<>();
      Optional.ofNullable(postgres).ifPresent(all::add);
      Optional.ofNullable(cassandra).ifPresent(all::add);
      Optional.ofNullable(memcached).ifPresent(all::add);
      Optional.ofNullable(kafka).ifPresent(all::add);
      Optional.ofNullable(providersSim).ifPresent(all::add);
      return all;
    }
  }

  /**
   * The {@code SQUADRON_*} variables of the wanted stores, started or external (see the class
   * comment for the formats), in the order PostgreSQL, Cassandra, memcached, Kafka, provider
   * simulator.
   *
   * @throws IllegalStateException before {@link #start()}
   */
  public Map<String, String> environment() {
    synchronized (lock) {
      if (!started) {
        throw new IllegalStateException("LocalInfra not started");
      }
      Map<String, String> env = new LinkedHashMap<>();
      if (config.postgres) {
        env.put(
            POSTGRES_URL_ENV, config.postgresUrl != null ? config.postgresUrl : postgres.jdbcUrl());
      }
      if (config.cassandra) {
        env.put(
            CASSANDRA_ENV,
            config.cassandraEndpoint != null ? config.cassandraEndpoint : cassandra.endpoint());
      }
      if (config.memcached) {
        env.put(
            MEMCACHED_ENV,
            config.memcachedAddress != null ? config.memcachedAddress : memcached.hostAndPort());
      }
      if (config.kafka) {
        env.put(
            KAFKA_ENV,
            config.kafkaBootstrap != null ? config.kafkaBootstrap : kafka.bootstrapServers());
      }
      if (config.providersSim) {
        env.put(
            PROVIDERS_SIM_ENV,
            config.providersSimUrl != null ? config.providersSimUrl : providersSim.baseUrl());
      }
      return java.util.Collections.unmodifiableMap(env);
    }
  }

  /** Stops every server this instance started and deletes their work directories. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      for (LocalServer server : servers()) {
        try {
          server.close();
        } catch (RuntimeException e) {
          log.warn("Cannot close {}", server, e);
        }
      }
    }
  }

  /** Chooses the stores and where they come from. */
  public static final class Builder {
    private boolean postgres;
    private boolean cassandra;
    private boolean memcached;
    private boolean kafka;
    private String postgresUrl;
    private String cassandraEndpoint;
    private String memcachedAddress;
    private String kafkaBootstrap;
    private boolean providersSim;
    private String providersSimUrl;
    private long providersSimSeed = 1;
    private Path workRoot = RunDir.defaultRoot();
    private int cassandraHeapMb = CassandraLauncher.DEFAULT_HEAP_MB;
    private Path javaHome;

    private Builder() {}

    /** Whether PostgreSQL is wanted (default false). */
    public Builder postgres(boolean wanted) {
      this.postgres = wanted;
      return this;
    }

    /** Whether Cassandra is wanted (default false). */
    public Builder cassandra(boolean wanted) {
      this.cassandra = wanted;
      return this;
    }

    /** Whether memcached is wanted (default false). */
    public Builder memcached(boolean wanted) {
      this.memcached = wanted;
      return this;
    }

    /** Whether Kafka is wanted (default false). */
    public Builder kafka(boolean wanted) {
      this.kafka = wanted;
      return this;
    }

    /** Whether the payment provider simulator is wanted (default false). */
    public Builder providersSim(boolean wanted) {
      this.providersSim = wanted;
      return this;
    }

    /**
     * Uses the payment provider simulator at this base URL ({@code http://host:port}) instead of
     * starting one.
     */
    public Builder providersSimUrl(String baseUrl) {
      requireNonNull(baseUrl, "baseUrl");
      if (!baseUrl.matches("https?://[^\\s/]+(:\\d{1,5})?/?")) {
        throw new IllegalArgumentException(
            "providersSimUrl: " + baseUrl + " (expected: http://host:port)");
      }
      this.providersSimUrl = baseUrl.replaceAll("/$", "");
      this.providersSim = true;
      return this;
    }

    /** The seed of a started simulator (default 1). */
    public Builder providersSimSeed(long seed) {
      this.providersSimSeed = seed;
      return this;
    }

    /**
     * Uses the PostgreSQL server at this JDBC URL instead of starting one (and wants PostgreSQL).
     */
    public Builder postgresUrl(String jdbcUrl) {
      requireNonNull(jdbcUrl, "jdbcUrl");
      if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
        throw new IllegalArgumentException(
            "postgresUrl: "
                + redactPassword(jdbcUrl)
                + " (expected: jdbc:postgresql://host:port/database?user=...&password=...)");
      }
      this.postgresUrl = jdbcUrl;
      this.postgres = true;
      return this;
    }

    /**
     * Uses the Cassandra cluster at {@code host:port[,...]/datacenter} instead of starting one. The
     * value is handed to the services as it is; they parse (and validate) it.
     */
    public Builder cassandraEndpoint(String endpoint) {
      requireNonNull(endpoint, "endpoint");
      if (endpoint.isBlank()) {
        throw new IllegalArgumentException(
            "cassandraEndpoint: '' (expected: host:port[,host:port...]/datacenter)");
      }
      this.cassandraEndpoint = endpoint.trim();
      this.cassandra = true;
      return this;
    }

    /** Uses the memcached server at {@code host:port} instead of starting one. */
    public Builder memcachedAddress(String hostAndPort) {
      requireNonNull(hostAndPort, "hostAndPort");
      if (!hostAndPort.matches("[^\\s:]+:\\d{1,5}")) {
        throw new IllegalArgumentException(
            "memcachedAddress: " + hostAndPort + " (expected: host:port)");
      }
      this.memcachedAddress = hostAndPort;
      this.memcached = true;
      return this;
    }

    /**
     * Uses the Kafka cluster at {@code host:port[,host:port...]} (bootstrap servers) instead of
     * starting one.
     */
    public Builder kafkaBootstrap(String bootstrapServers) {
      requireNonNull(bootstrapServers, "bootstrapServers");
      if (!bootstrapServers.matches("[^\\s:,]+:\\d{1,5}(,[^\\s:,]+:\\d{1,5})*")) {
        throw new IllegalArgumentException(
            "kafkaBootstrap: " + bootstrapServers + " (expected: host:port[,host:port...])");
      }
      this.kafkaBootstrap = bootstrapServers;
      this.kafka = true;
      return this;
    }

    /**
     * Takes every {@code SQUADRON_*} variable present in {@code environment} as an external store
     * (and {@link #WORK_ROOT_ENV} as the {@link #workRoot}): the CLI passes {@code
     * System.getenv()}. Blank values are ignored.
     */
    public Builder fromEnvironment(Map<String, String> environment) {
      requireNonNull(environment, "environment");
      present(environment, POSTGRES_URL_ENV).ifPresent(this::postgresUrl);
      present(environment, CASSANDRA_ENV).ifPresent(this::cassandraEndpoint);
      present(environment, MEMCACHED_ENV).ifPresent(this::memcachedAddress);
      present(environment, KAFKA_ENV).ifPresent(this::kafkaBootstrap);
      present(environment, PROVIDERS_SIM_ENV).ifPresent(this::providersSimUrl);
      present(environment, WORK_ROOT_ENV).map(Path::of).ifPresent(this::workRoot);
      return this;
    }

    private static Optional<String> present(Map<String, String> environment, String name) {
      return Optional.ofNullable(environment.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    /**
     * Where the servers' work directories go (default {@link RunDir#defaultRoot()}:
     * /dev/shm/squadron-infra when it has room, else java.io.tmpdir/squadron-infra).
     */
    public Builder workRoot(Path workRoot) {
      this.workRoot = requireNonNull(workRoot, "workRoot");
      return this;
    }

    /** Cassandra's heap in MiB (default 512). */
    public Builder cassandraHeapMb(int heapMb) {
      if (heapMb < 256) {
        throw new IllegalArgumentException("cassandraHeapMb: " + heapMb + " (expected: >= 256)");
      }
      this.cassandraHeapMb = heapMb;
      return this;
    }

    /** The Java 17 installation for Cassandra (default: found automatically). */
    public Builder javaHome(Path javaHome) {
      this.javaHome = requireNonNull(javaHome, "javaHome");
      return this;
    }

    /** An instance that starts nothing until {@link LocalInfra#start()}. */
    public LocalInfra build() {
      Builder copy = new Builder();
      copy.postgres = postgres;
      copy.cassandra = cassandra;
      copy.memcached = memcached;
      copy.kafka = kafka;
      copy.kafkaBootstrap = kafkaBootstrap;
      copy.postgresUrl = postgresUrl;
      copy.cassandraEndpoint = cassandraEndpoint;
      copy.memcachedAddress = memcachedAddress;
      copy.providersSim = providersSim;
      copy.providersSimUrl = providersSimUrl;
      copy.providersSimSeed = providersSimSeed;
      copy.workRoot = workRoot;
      copy.cassandraHeapMb = cassandraHeapMb;
      copy.javaHome = javaHome;
      return new LocalInfra(copy);
    }

    private static String redactPassword(String url) {
      return url.replaceAll("password=[^&]*", "password=***");
    }
  }
}
