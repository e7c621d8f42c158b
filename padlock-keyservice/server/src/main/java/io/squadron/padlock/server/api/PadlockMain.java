package io.squadron.padlock.server.api;

import com.typesafe.config.Config;
import io.squadron.padlock.server.crypto.EntryAuthenticator;
import io.squadron.padlock.server.crypto.MasterKeyring;
import io.squadron.padlock.server.keys.KeyService;
import io.squadron.padlock.server.keys.PadlockMetrics;
import io.squadron.padlock.server.store.CassandraRootStore;
import io.squadron.padlock.server.store.MemcachedRootCache;
import io.squadron.padlock.server.store.RootCache;
import io.squadron.padlock.server.store.RootStore;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.server.SquadronServer;
import java.security.SecureRandom;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts Padlock: {@code java ... PadlockMain [--config FILE]}. Configuration comes from the file,
 * from {@code CONFIG_FORCE_*} environment variables, from its descriptor and {@code
 * application.conf}, and from the defaults in {@code reference.conf}; the master keys must be given
 * (see {@code squadron.padlock.master-keys}).
 */
public final class PadlockMain {
  private static final Logger log = LoggerFactory.getLogger(PadlockMain.class);

  private PadlockMain() {}

  public static void main(String[] args) {
    // spymemcached logs through its own facade unless told to use SLF4J (a JVM-wide switch, so only
    // main sets it).
    System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SLF4JLogger");
    Platform.run(PadlockMain.class, args, PadlockMain::start);
  }

  /**
   * Connects the stores (applying the schema), and builds and starts the server from a resolved
   * config.
   */
  public static SquadronServer start(Config config) {
    return Platform.start(
        config,
        service -> {
          PadlockSettings settings = PadlockSettings.from(config);
          MasterKeyring keyring =
              MasterKeyring.of(
                  settings.masterKeys(), settings.currentMasterVersion(), new SecureRandom());
          RootStore store =
              service.register(CassandraRootStore.connect(settings.cassandra(), Clock.systemUTC()));
          RootCache cache =
              service.register(
                  settings.memcachedEnabled()
                      ? MemcachedRootCache.connect(
                          settings.memcached(),
                          settings.memcachedTtl(),
                          EntryAuthenticator.of(keyring),
                          Clock.systemUTC())
                      : RootCache.none());
          KeyService keys =
              service.register(
                  KeyService.builder()
                      .store(store)
                      .rootCache(cache)
                      .keyring(keyring)
                      .categories(settings.categories())
                      .metrics(new PadlockMetrics(service.meterRegistry()))
                      .cacheMaxUsers(settings.cacheMaxUsers())
                      .cacheTtl(settings.cacheTtl())
                      .absentTtl(settings.absentTtl())
                      .secondMarkerDelay(settings.secondMarkerDelay())
                      .changePollInterval(settings.changePollInterval())
                      .changeWindow(settings.memcachedTtl())
                      .build());
          PadlockErrors errors = new PadlockErrors(settings.categories());
          log.info("padlock: {}, {}", settings, keyring);
          return service
              .server()
              .service(new PadlockGrpcService(keys, settings, errors))
              .exceptionMapper(errors)
              .readinessCheck("cassandra", keys::storeReachable)
              .readinessCheck("change-log", keys::changesKnown);
        });
  }
}
