package io.squadron.padlock.server.api;

import com.typesafe.config.Config;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.padlock.server.crypto.MasterKeyring;
import io.squadron.padlock.server.keys.KeyService;
import io.squadron.padlock.server.keys.PadlockMetrics;
import io.squadron.padlock.server.store.CassandraRootStore;
import io.squadron.padlock.server.store.MemcachedRootCache;
import io.squadron.padlock.server.store.RootCache;
import io.squadron.padlock.server.store.RootStore;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.security.ServerSecurity;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Padlock: {@code java ... PadlockMain [--config FILE]}. Configuration comes from the file, from
 * {@code CONFIG_FORCE_*} environment variables, and from the defaults in {@code application.conf} and
 * {@code reference.conf}; the master keys must be given (see {@code squadron.padlock.master-keys}).
 */
public final class PadlockMain {
  private static final Logger log = LoggerFactory.getLogger(PadlockMain.class);

  private PadlockMain() {}

  public static void main(String[] args) throws Exception {
    // spymemcached logs through its own facade unless told to use SLF4J (a JVM-wide switch, so only main sets it).
    System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
    Config config = ConfigLoader.fromArgs(args, System.getenv());
    PadlockServer padlock = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(padlock::close, "padlock-shutdown"));
    padlock.awaitTermination();
  }

  /** Connects the stores (applying the schema), and builds and starts the server from a resolved config. */
  public static PadlockServer start(Config config) {
    PadlockSettings settings = PadlockSettings.from(config);
    ServerSettings serverSettings = ServerSettings.from(config);
    MasterKeyring keyring = MasterKeyring.of(settings.masterKeys(), settings.currentMasterVersion(),
        new SecureRandom());
    RootStore store = CassandraRootStore.connect(settings.cassandra(), Clock.systemUTC());
    RootCache cache = settings.memcachedEnabled()
        ? MemcachedRootCache.connect(settings.memcached(), settings.memcachedTtl()) : RootCache.none();
    try {
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      KeyService keys = KeyService.builder()
          .store(store)
          .rootCache(cache)
          .keyring(keyring)
          .categories(settings.categories())
          .metrics(new PadlockMetrics(registry))
          .cacheMaxUsers(settings.cacheMaxUsers())
          .cacheTtl(settings.cacheTtl())
          .secondDeleteDelay(settings.secondDeleteDelay())
          .build();
      SquadronServer.Builder builder = SquadronServer.builder(serverSettings)
          .service(new PadlockGrpcService(keys, settings))
          .exceptionMapper(new PadlockErrors())
          .readinessCheck("cassandra", keys::storeReachable);
      ServerSecurity security = ServerSecurity.configure(builder, config, registry);
      SquadronServer server = builder.build().start();
      log.info("padlock ready: {}, {}", settings, keyring);
      return new PadlockServer(server, security, keys, store, cache);
    } catch (RuntimeException e) {
      cache.close();
      store.close();
      throw e;
    }
  }
}
