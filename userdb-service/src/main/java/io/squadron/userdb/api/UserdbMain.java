package io.squadron.userdb.api;

import com.typesafe.config.Config;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squadron.migration.Backfill;
import io.squadron.migration.BackfillWorker;
import io.squadron.migration.MigrationRouter;
import io.squadron.migration.PhaseWatcher;
import io.squadron.migration.jdbc.JdbcControlStore;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.client.PadlockClientSettings;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.platform.ClientSecurity;
import io.squadron.rpc.platform.ServerSecurity;
import io.squadron.rpc.server.ServerSettings;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.store.StoreErrors;
import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.userdb.account.AccountCrypto;
import io.squadron.userdb.account.Accounts;
import io.squadron.userdb.migrate.MigratingUserStore;
import io.squadron.userdb.migrate.UserRowCopier;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.cassandra.CassandraUserStore;
import io.squadron.userdb.store.postgres.PostgresUserStore;
import io.squadron.userdb.username.UsernameCanonicalizer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Starts userdb: {@code java ... UserdbMain [--config FILE]}. Configuration: {@code squadron.userdb} (store mode,
 * stores, migration), {@code squadron.clients.padlock} (where Padlock is), and rpc-core's keys.
 */
public final class UserdbMain {
  private UserdbMain() {}

  public static void main(String[] args) throws Exception {
    Config config = ConfigLoader.fromArgs(args, System.getenv());
    UserdbServer server = start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "userdb-shutdown"));
    server.awaitTermination();
  }

  /** Builds and starts the service from a resolved config (also used by tests, benchmarks and the local platform). */
  public static UserdbServer start(Config config) {
    return start(config, Clock.systemUTC());
  }

  /** As {@link #start(Config)} with the clock of changes, reports and leases. */
  public static UserdbServer start(Config config, Clock clock) {
    UserdbSettings settings = UserdbSettings.from(config);
    String serviceName = ConfigReader.at(config, "squadron.security").nonEmptyString("service-name");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      ChannelFactory channels = ClientSecurity.configure(ChannelFactory.builder(ClientsSettings.from(config)), config)
          .meterRegistry(registry)
          .build();
      resources.add(channels);
      ManagedChannel padlockChannel = channels.channel("padlock");
      PadlockClient padlock = PadlockClient.builder(padlockChannel)
          .settings(PadlockClientSettings.from(config))
          .build();

      UserStore store;
      Optional<PhaseWatcher> watcher = Optional.empty();
      switch (settings.store()) {
        case POSTGRES -> {
          PostgresUserStore pg = PostgresUserStore.start(PostgresSettings.from(config));
          resources.add(pg);
          store = pg;
        }
        case CASSANDRA -> {
          CassandraUserStore cs = CassandraUserStore.start(CassandraSettings.from(config), micros(clock));
          resources.add(cs);
          store = cs;
        }
        default -> {
          PostgresUserStore pg = PostgresUserStore.start(PostgresSettings.from(config));
          resources.add(pg);
          CassandraUserStore cs = CassandraUserStore.start(CassandraSettings.from(config), micros(clock));
          resources.add(cs);
          UserdbSettings.Migration m = settings.migration();
          JdbcControlStore control = JdbcControlStore.create(pg.dataSource());
          String instanceId = m.instanceId().isBlank() ? serviceName + "-" + UUID.randomUUID() : m.instanceId();
          PhaseWatcher w = PhaseWatcher.builder(control, m.name())
              .instanceId(instanceId)
              .pollInterval(m.pollInterval())
              .clock(clock)
              .meterRegistry(registry)
              .start();
          resources.add(w);
          watcher = Optional.of(w);
          UserRowCopier copier = new UserRowCopier(pg, cs);
          Backfill backfill = Backfill.builder(control, m.name(), copier, copier)
              .pageSize(m.backfillPageSize())
              .rowsPerSecond(m.backfillRowsPerSecond())
              .meterRegistry(registry)
              .build();
          resources.add(new BackfillWorker(w, control, backfill, m.pollInterval(), m.backfillLeaseTtl(), clock));
          store = new MigratingUserStore(pg, cs, new MigrationRouter(w, registry));
        }
      }
      UserStore stores = store;
      Accounts accounts = new Accounts(stores, UsernameCanonicalizer.create(), new AccountCrypto(padlock, serviceName),
          clock, UUID::randomUUID);
      SquadronServer.Builder builder = SquadronServer.builder(ServerSettings.from(config))
          .service(new UserdbGrpcService(accounts, clock))
          .readinessCheck("stores", stores::isReachable)
          .exceptionMapper(UserdbMain::mapException);
      ServerSecurity security = ServerSecurity.configure(builder, config, registry);
      resources.add(security);
      SquadronServer server = builder.build().start();
      return new UserdbServer(server, watcher, resources);
    } catch (RuntimeException e) {
      for (int i = resources.size() - 1; i >= 0; i--) {
        try {
          resources.get(i).close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private static Optional<io.grpc.StatusRuntimeException> mapException(Throwable error) {
    Optional<io.grpc.StatusRuntimeException> store = StoreErrors.exceptionMapper().map(error);
    if (store.isPresent()) {
      return store;
    }
    if (error instanceof PadlockKeyException e) {
      return Optional.of(RpcErrors.of(Status.Code.UNAVAILABLE, ErrorReason.DEPENDENCY_UNAVAILABLE,
          "key service: " + e.reason()));
    }
    return Optional.empty();
  }

  private static java.util.function.LongSupplier micros(Clock clock) {
    return () -> {
      java.time.Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    };
  }
}
