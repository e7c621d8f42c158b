package io.squadron.userdb.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.squadron.migration.Backfill;
import io.squadron.migration.BackfillCheckpoint;
import io.squadron.migration.ControlRecord;
import io.squadron.migration.MigrationRouter;
import io.squadron.migration.Phase;
import io.squadron.migration.PhaseWatcher;
import io.squadron.migration.jdbc.JdbcControlStore;
import io.squadron.padlock.client.Field;
import io.squadron.padlock.client.FieldCipher;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.store.StoreUnavailableException;
import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.PostgresExtension;
import io.squadron.testkit.service.ServiceExtension;
import io.squadron.userdb.account.Account;
import io.squadron.userdb.account.AccountCrypto;
import io.squadron.userdb.account.Accounts;
import io.squadron.userdb.store.FaultyUserStore;
import io.squadron.userdb.store.StoredUser;
import io.squadron.userdb.store.cassandra.CassandraUserStore;
import io.squadron.userdb.store.postgres.PostgresUserStore;
import io.squadron.userdb.username.UsernameCanonicalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, medium finding "userdb writes" (dual-write part), on real PostgreSQL and Cassandra with
 * the real Padlock: a delete whose secondary write fails still shreds the user's keys, and the
 * backfill removes the row the failed write left behind in the target (a row the source no longer
 * has).
 */
class DualWriteDeleteTest {
  @RegisterExtension static final PostgresExtension PG = PostgresExtension.perClass();
  @RegisterExtension static final CassandraExtension CASSANDRA = CassandraExtension.perClass();
  @RegisterExtension static final ServiceExtension PADLOCK = ServiceExtension.forService("padlock");

  private static PostgresUserStore postgres;
  private static CassandraUserStore cassandra;
  private static PadlockClient padlock;

  @BeforeAll
  static void start() {
    postgres = PostgresUserStore.start(PostgresSettings.of(PG.jdbcUrl()).withPoolSize(4));
    cassandra =
        CassandraUserStore.start(
            CassandraSettings.of(CASSANDRA.endpoint(), CASSANDRA.keyspace())
                .withRequestTimeout(Duration.ofSeconds(10)),
            () -> System.currentTimeMillis() * 1000);
    padlock =
        PadlockClient.builder(PADLOCK.channel("userdb")).deadline(Duration.ofSeconds(10)).build();
  }

  @AfterAll
  static void stop() {
    postgres.close();
    cassandra.close();
  }

  private static void moveTo(
      JdbcControlStore control, String migration, Phase phase, PhaseWatcher watcher) {
    ControlRecord record = control.read(migration);
    assertThat(control.compareAndSet(migration, record.epoch(), phase, Instant.now())).isTrue();
    watcher.poll();
    assertThat(watcher.current()).isEqualTo(phase);
  }

  private final List<UUID> deletions = new ArrayList<>();

  @Test
  void dualWriteDelete_secondaryFails_keysShreddedAnyway_andTheBackfillRemovesTheTargetOnlyRow()
      throws Exception {
    String migration = "dual_delete";
    JdbcControlStore control = JdbcControlStore.create(postgres.dataSource());
    FaultyUserStore target = new FaultyUserStore(cassandra);
    try (PhaseWatcher watcher =
        PhaseWatcher.builder(control, migration).pollInterval(Duration.ofHours(1)).start()) {
      moveTo(control, migration, Phase.DUAL_WRITE_SOURCE_PRIMARY, watcher);
      MigratingUserStore store =
          new MigratingUserStore(postgres, target, new MigrationRouter(watcher, null));
      Accounts accounts =
          new Accounts(
              store,
              UsernameCanonicalizer.create(),
              new AccountCrypto(padlock, "userdb"),
              Clock.systemUTC(),
              UUID::randomUUID,
              deletions::add);
      Account kept =
          accounts.create(Optional.empty(), "keeper", "keep@example.com", "SE", Optional.empty());
      Account doomed =
          accounts.create(Optional.empty(), "doomed", "doomed@example.com", "SE", Optional.empty());
      StoredUser inTarget = cassandra.get(doomed.id()).orElseThrow();

      target.failDeletes(true);
      assertThatThrownBy(() -> accounts.delete(doomed.id()))
          .isInstanceOf(StoreUnavailableException.class);
      target.failDeletes(false);
      assertThat(deletions).as("no other service hears of a delete that failed").isEmpty();
      assertThat(postgres.get(doomed.id())).isEmpty();
      assertThat(cassandra.get(doomed.id()))
          .as("the failed secondary write left the row")
          .isPresent();

      // The keys are gone although the call failed: the surviving copy is unreadable.
      padlock.invalidateAll();
      FieldCipher cipher = FieldCipher.builder(padlock, "userdb").build();
      assertThatThrownBy(
              () ->
                  cipher.decryptString(
                      Field.of("users", "email", AccountCrypto.CATEGORY),
                      doomed.id().toString(),
                      inTarget.emailCipher()))
          .isInstanceOfSatisfying(
              PadlockKeyException.class,
              e -> assertThat(e.reason()).isEqualTo(PadlockKeyException.Reason.KEYS_DELETED));

      // The backfill visits the target's rows too and removes the one the source no longer has.
      moveTo(control, migration, Phase.BACKFILL, watcher);
      UserRowCopier copier = new UserRowCopier(postgres, cassandra);
      BackfillCheckpoint done =
          Backfill.builder(control, migration, copier, copier)
              .pageSize(1)
              .rowsPerSecond(100_000)
              .build()
              .run(() -> true);
      assertThat(done.done()).isTrue();
      assertThat(done.mismatches()).isZero();
      assertThat(done.reconciled()).isEqualTo(1);
      assertThat(cassandra.get(doomed.id())).as("target-only row reconciled").isEmpty();
      assertThat(cassandra.getByCanonicalUsername("doomed")).isEmpty();
      assertThat(cassandra.get(kept.id())).isEqualTo(postgres.get(kept.id())).isPresent();
    }
  }
}
