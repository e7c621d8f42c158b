package io.squadron.userdb.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.client.PadlockKeyException;
import io.squadron.store.StoreUnavailableException;
import io.squadron.store.cassandra.CassandraSettings;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.testkit.CassandraExtension;
import io.squadron.testkit.PostgresExtension;
import io.squadron.testkit.service.ServiceExtension;
import io.squadron.userdb.store.FaultyUserStore;
import io.squadron.userdb.store.PendingCreate;
import io.squadron.userdb.store.UserStore;
import io.squadron.userdb.store.UsernameConflictException;
import io.squadron.userdb.store.cassandra.CassandraUserStore;
import io.squadron.userdb.store.postgres.PostgresUserStore;
import io.squadron.userdb.username.UsernameCanonicalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 11, medium finding "userdb writes" (creates): a failure between reserving a name and
 * writing the row, on the real PostgreSQL and Cassandra stores (the failure injected by a decorator
 * at exactly that step) with the real Padlock. A retry with the same request id completes the
 * create instead of colliding with its own claims; a create nobody retries is given up by the
 * orphan sweeper, which frees the name and shreds the keys it made.
 */
class OrphanCreatesTest {
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

  private static List<UserStore> stores() {
    return List.of(postgres, cassandra);
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    private volatile Instant now = Instant.now();

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private static CreateRequestId request() {
    return new CreateRequestId("checkout", UUID.randomUUID());
  }

  @Test
  void orphanClaims_failureBetweenClaimAndRow_retryWithTheSameRequestId_completesTheCreate()
      throws Exception {
    for (UserStore real : stores()) {
      String name = "halfway" + real.name();
      FaultyUserStore store = new FaultyUserStore(real);
      AccountCrypto crypto = new AccountCrypto(padlock, "userdb");
      Accounts accounts =
          new Accounts(
              store,
              UsernameCanonicalizer.create(),
              crypto,
              Clock.systemUTC(),
              UUID::randomUUID,
              deleted -> {});
      CreateRequestId request = request();

      store.failCreates(1);
      assertThatThrownBy(
              () ->
                  accounts.create(
                      Optional.of(request), name, "a@example.com", "SE", Optional.empty()))
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(accounts.getByUsername(name)).isEmpty();
      // The half-made create holds the name: nobody else gets it meanwhile.
      assertThatThrownBy(
              () ->
                  accounts.create(
                      Optional.of(request()), name, "b@example.com", "SE", Optional.empty()))
          .isInstanceOf(UsernameConflictException.class);

      // The client retries with the same request id: the same user, created for good.
      Account created =
          accounts.create(Optional.of(request), name, "a@example.com", "SE", Optional.empty());
      assertThat(created.id()).isEqualTo(request.userId());
      assertThat(accounts.getByUsername(name)).contains(created);
      assertThat(real.unfinishedCreates(Long.MAX_VALUE, 10_000))
          .extracting(PendingCreate::id)
          .doesNotContain(created.id());
      // A retry of a finished create answers it again; the same request id with other values is
      // refused.
      assertThat(
              accounts.create(Optional.of(request), name, "a@example.com", "SE", Optional.empty()))
          .isEqualTo(created);
      assertThatThrownBy(
              () ->
                  accounts.create(
                      Optional.of(request), name, "other@example.com", "SE", Optional.empty()))
          .isInstanceOf(RequestIdReusedException.class);
      // Another caller's identical request id is another request.
      assertThat(new CreateRequestId("billing", request.requestId()).userId())
          .isNotEqualTo(created.id());
    }
  }

  @Test
  void orphanClaims_nobodyRetries_sweeperFreesTheName_andShredsTheKeysTheCreateMade()
      throws Exception {
    for (UserStore real : stores()) {
      String name = "ghost" + real.name();
      MovableClock clock = new MovableClock();
      FaultyUserStore store = new FaultyUserStore(real);
      AccountCrypto crypto = new AccountCrypto(padlock, "userdb");
      Accounts accounts =
          new Accounts(
              store,
              UsernameCanonicalizer.create(),
              crypto,
              clock,
              UUID::randomUUID,
              deleted -> {});
      OrphanSweeper sweeper =
          new OrphanSweeper(
              store, crypto, clock, Duration.ofMinutes(10), 1000, new SimpleMeterRegistry());
      CreateRequestId request = request();
      UUID id = request.userId();

      store.failCreates(1);
      assertThatThrownBy(
              () ->
                  accounts.create(
                      Optional.of(request), name, "g@example.com", "SE", Optional.empty()))
          .isInstanceOf(StoreUnavailableException.class);
      assertThat(crypto.encryptEmail(id, "probe@example.com"))
          .as("the failed create made keys")
          .isNotEmpty();

      sweeper.sweepOnce();
      assertThat(real.unfinishedCreates(Long.MAX_VALUE, 10_000))
          .as("within the grace: left alone")
          .extracting(PendingCreate::id)
          .contains(id);

      clock.advance(Duration.ofMinutes(11));
      assertThat(sweeper.sweepOnce()).isGreaterThanOrEqualTo(1);
      assertThat(real.unfinishedCreates(Long.MAX_VALUE, 10_000))
          .extracting(PendingCreate::id)
          .doesNotContain(id);
      padlock.invalidateAll();
      assertThatThrownBy(() -> crypto.encryptEmail(id, "probe@example.com"))
          .isInstanceOfSatisfying(
              PadlockKeyException.class,
              e -> assertThat(e.reason()).isEqualTo(PadlockKeyException.Reason.KEYS_DELETED));

      // The name is free again, and the given-up request id never makes an account.
      Account next =
          accounts.create(Optional.of(request()), name, "n@example.com", "SE", Optional.empty());
      assertThat(accounts.getByUsername(name)).contains(next);
      assertThatThrownBy(
              () ->
                  accounts.create(
                      Optional.of(request), name + "x", "g@example.com", "SE", Optional.empty()))
          .isInstanceOf(RequestIdReusedException.class);
      assertThat(real.get(id)).isEmpty();
    }
  }
}
