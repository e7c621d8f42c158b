package io.squadron.userdb.api;

import com.typesafe.config.Config;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.squadron.events.EventTopics;
import io.squadron.events.EventsSchema;
import io.squadron.events.outbox.Outbox;
import io.squadron.events.relay.OutboxRelay;
import io.squadron.migration.MigrationAgent;
import io.squadron.migration.MigrationSettings;
import io.squadron.migration.jdbc.JdbcControlStore;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.client.PadlockClientSettings;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.platform.ServiceContext;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.store.StoreErrors;
import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.store.kafka.KafkaSettings;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.store.postgres.PostgresStore;
import io.squadron.userdb.account.AccountCrypto;
import io.squadron.userdb.account.Accounts;
import io.squadron.userdb.account.OrphanSweeper;
import io.squadron.userdb.account.UserEvents;
import io.squadron.userdb.events.OutboxUserEvents;
import io.squadron.userdb.migrate.MigratingUserStore;
import io.squadron.userdb.migrate.UserRowCopier;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.cassandra.CassandraUserStore;
import io.squadron.userdb.store.postgres.PostgresUserStore;
import io.squadron.userdb.username.UsernameCanonicalizer;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;

/**
 * Starts userdb: {@code java ... UserdbMain [--config FILE]}. Configuration: {@code
 * squadron.userdb.store} (which store serves), store-support's {@code squadron.stores.postgres} and
 * {@code squadron.stores.cassandra}, the live migration's {@code squadron.store-migration}, where
 * Padlock is ({@code squadron.clients.padlock}), and Kafka for the {@code UserDeleted} events
 * ({@code squadron.stores.kafka}).
 */
public final class UserdbMain {
  private static final int USER_TOPIC_PARTITIONS = 8;

  private UserdbMain() {}

  public static void main(String[] args) {
    Platform.run(UserdbMain.class, args, UserdbMain::start);
  }

  /**
   * Builds and starts the service from a resolved config (also used by tests, benchmarks and the
   * local platform).
   */
  public static SquadronServer start(Config config) {
    Clock clock = Clock.systemUTC();
    return Platform.start(
        config,
        service -> {
          UserdbSettings settings = UserdbSettings.from(config);
          PadlockClient padlock =
              PadlockClient.builder(service.channel("padlock"))
                  .settings(PadlockClientSettings.from(config))
                  .build();
          // PostgreSQL is there in every mode (the migration's control record lives in it), and
          // holds the outbox.
          PostgresUserStore pg =
              settings.store() == UserdbSettings.StoreMode.CASSANDRA ? null : postgres(service);
          UserStore store =
              switch (settings.store()) {
                case POSTGRES -> pg;
                case CASSANDRA -> cassandra(service, clock);
                case MIGRATING -> migrating(service, pg, clock);
              };
          DataSource outboxDb =
              pg != null
                  ? pg.dataSource()
                  : service
                      .register(
                          PostgresStore.open(
                              PostgresSettings.from(config).withPoolSize(4),
                              service.name() + "-outbox",
                              service.meterRegistry()))
                      .dataSource();
          AccountCrypto crypto = new AccountCrypto(padlock, service.name());
          Accounts accounts =
              new Accounts(
                  store,
                  UsernameCanonicalizer.create(),
                  crypto,
                  clock,
                  UUID::randomUUID,
                  userEvents(service, outboxDb, clock));
          service.register(
              new OrphanSweeper(
                      store,
                      crypto,
                      clock,
                      settings.sweepGrace(),
                      settings.sweepBatch(),
                      service.meterRegistry())
                  .start(settings.sweepInterval()));
          return service
              .server()
              .service(new UserdbGrpcService(accounts, clock))
              .readinessCheck("stores", store::isReachable)
              .exceptionMapper(UserdbMain::mapException);
        });
  }

  private static PostgresUserStore postgres(ServiceContext service) {
    return service.register(
        PostgresUserStore.start(PostgresSettings.from(service.config()), service.meterRegistry()));
  }

  private static CassandraUserStore cassandra(ServiceContext service, Clock clock) {
    return service.register(
        CassandraUserStore.start(CassandraSettings.from(service.config()), micros(clock)));
  }

  /**
   * Deletions go to other services through the outbox in userdb's PostgreSQL database and its
   * relay. Kafka must answer at start (the topic is created then); afterwards a broker outage only
   * delays the events, never a delete.
   */
  private static UserEvents userEvents(ServiceContext service, DataSource outboxDb, Clock clock) {
    EventsSchema.migrate(outboxDb);
    KafkaSettings kafka = KafkaSettings.from(service.config());
    String topic = kafka.name(OutboxUserEvents.TOPIC);
    try (Admin admin = EventTopics.admin(kafka.bootstrapServers(), Map.of())) {
      EventTopics.ensure(admin, topic, USER_TOPIC_PARTITIONS);
    }
    OutboxRelay relay =
        OutboxRelay.builder(outboxDb, kafka.bootstrapServers())
            .name(service.name())
            .meterRegistry(service.meterRegistry())
            .build()
            .start();
    service.register(relay);
    return new OutboxUserEvents(
        outboxDb, Outbox.forProducer(service.name(), clock), topic, clock, relay::wakeUp);
  }

  /**
   * Both stores, routed by the live migration's phase; the control record is in the PostgreSQL
   * database.
   */
  private static UserStore migrating(ServiceContext service, PostgresUserStore pg, Clock clock) {
    CassandraUserStore cs = cassandra(service, clock);
    UserRowCopier copier = new UserRowCopier(pg, cs);
    MigrationAgent agent =
        service.register(
            MigrationAgent.start(
                MigrationSettings.from(service.config()),
                service.name(),
                JdbcControlStore.create(pg.dataSource()),
                copier,
                copier,
                clock,
                service.meterRegistry()));
    return new MigratingUserStore(pg, cs, agent.router());
  }

  private static Optional<StatusRuntimeException> mapException(Throwable error) {
    Optional<StatusRuntimeException> store = StoreErrors.exceptionMapper().map(error);
    if (store.isPresent()) {
      return store;
    }
    if (error instanceof PadlockKeyException e) {
      return Optional.of(
          RpcErrors.of(
              Status.Code.UNAVAILABLE,
              ErrorReason.DEPENDENCY_UNAVAILABLE,
              "key service: " + e.reason()));
    }
    return Optional.empty();
  }

  private static LongSupplier micros(Clock clock) {
    return () -> {
      Instant now = clock.instant();
      return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    };
  }
}
