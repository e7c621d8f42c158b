package io.squadron.userdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The contract every {@link UserStore} meets; subclasses run it against a real store. */
public abstract class UserStoreContract {
  private static final AtomicInteger NAMES = new AtomicInteger();

  /** The store under test (one per class; tests use distinct names). */
  protected abstract UserStore store();

  /** A fresh user with a unique canonical name and skeleton. */
  static StoredUser newUser() {
    String name =
        "user" + NAMES.incrementAndGet() + "x" + UUID.randomUUID().toString().substring(0, 8);
    return user(UUID.randomUUID(), name, "sk-" + name);
  }

  static StoredUser user(UUID id, String canonical, String skeleton) {
    return new StoredUser(
        id,
        canonical.toUpperCase(),
        canonical,
        skeleton,
        bytes("cipher-email-" + id),
        "SE",
        Optional.of(bytes("cipher-birth")),
        1,
        1_000_000L);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static PendingCreate pending(StoredUser u, long startedAtMicros) {
    return new PendingCreate(u.id(), u.canonicalUsername(), u.usernameSkeleton(), startedAtMicros);
  }

  /** Both steps of a create, as Accounts runs them. */
  protected StoredUser create(StoredUser u) throws Exception {
    store().reserve(pending(u, now()));
    return store().create(u);
  }

  static long now() {
    return System.currentTimeMillis() * 1000;
  }

  @Test
  void create_thenGetByIdAndByCanonicalName() throws Exception {
    StoredUser u = newUser();
    assertThat(create(u)).isEqualTo(u);
    assertThat(store().get(u.id())).contains(u);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(u);
  }

  @Test
  void create_withoutBirthDate_roundTrips() throws Exception {
    StoredUser u = newUser();
    StoredUser noBirth =
        new StoredUser(
            u.id(),
            u.username(),
            u.canonicalUsername(),
            u.usernameSkeleton(),
            u.emailCipher(),
            "US",
            Optional.empty(),
            1,
            5);
    create(noBirth);
    assertThat(store().get(u.id())).contains(noBirth);
  }

  @Test
  void get_unknown_empty() {
    assertThat(store().get(UUID.randomUUID())).isEmpty();
    assertThat(store().getByCanonicalUsername("nobody-" + UUID.randomUUID())).isEmpty();
  }

  @Test
  void create_sameIdAgain_answersTheStoredRow_andChangesNothing() throws Exception {
    StoredUser u = newUser();
    create(u);
    StoredUser v2 = u.withChanges(bytes("e2"), "DE", 2, u.updatedAtMicros() + 100);
    assertThat(store().update(v2)).isEqualTo(UpdateOutcome.APPLIED);
    StoredUser retry = u.withChanges(bytes("other-nonce"), "SE", 1, u.updatedAtMicros() + 500);
    assertThat(create(retry)).as("a retried create answers what is stored").isEqualTo(v2);
    assertThat(store().get(u.id())).contains(v2);
  }

  @Test
  void create_pendingRowIsInvisible_untilWritten() throws Exception {
    StoredUser u = newUser();
    store().reserve(pending(u, now()));
    assertThat(store().get(u.id())).isEmpty();
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).isEmpty();
    assertThat(store().scan(Optional.empty(), 10_000))
        .extracting(StoredUser::id)
        .doesNotContain(u.id());
    store().create(u);
    assertThat(store().get(u.id())).contains(u);
  }

  @Test
  void create_takenCanonicalName_taken() throws Exception {
    StoredUser u = newUser();
    create(u);
    StoredUser other = user(UUID.randomUUID(), u.canonicalUsername(), u.usernameSkeleton());
    assertThatThrownBy(() -> store().reserve(pending(other, now())))
        .isInstanceOfSatisfying(
            UsernameConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(UsernameConflictException.Kind.TAKEN));
    store().forget(other.id());
    assertThat(store().get(other.id())).isEmpty();
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(u);
  }

  @Test
  void create_nameReservedByAPendingCreate_taken() throws Exception {
    StoredUser first = newUser();
    store().reserve(pending(first, now()));
    StoredUser second =
        user(UUID.randomUUID(), first.canonicalUsername(), first.usernameSkeleton());
    assertThatThrownBy(() -> store().reserve(pending(second, now())))
        .isInstanceOfSatisfying(
            UsernameConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(UsernameConflictException.Kind.TAKEN));
    store().forget(second.id());
    assertThat(store().create(first)).isEqualTo(first);
  }

  @Test
  void create_sameSkeletonOtherName_confusable() throws Exception {
    StoredUser u = newUser();
    create(u);
    StoredUser lookAlike =
        user(UUID.randomUUID(), u.canonicalUsername() + "-alike", u.usernameSkeleton());
    assertThatThrownBy(() -> store().reserve(pending(lookAlike, now())))
        .isInstanceOfSatisfying(
            UsernameConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(UsernameConflictException.Kind.CONFUSABLE));
    store().forget(lookAlike.id());
    assertThat(store().getByCanonicalUsername(lookAlike.canonicalUsername())).isEmpty();
  }

  @Test
  void reserve_sameIdOtherNames_refused() throws Exception {
    StoredUser u = newUser();
    store().reserve(pending(u, now()));
    StoredUser renamed =
        user(u.id(), u.canonicalUsername() + "-other", u.usernameSkeleton() + "-other");
    assertThatThrownBy(() -> store().reserve(pending(renamed, now())))
        .isInstanceOf(CreateAbandonedException.class);
    assertThat(store().create(u)).isEqualTo(u);
  }

  @Test
  void
      orphanClaims_failureBetweenReserveAndRow_retryWithTheSameIdCompletes_andNobodyElseGetsTheName()
          throws Exception {
    StoredUser u = newUser();
    store().reserve(pending(u, now()));
    // The attempt dies here (no row). Another user cannot take the name meanwhile...
    StoredUser other = user(UUID.randomUUID(), u.canonicalUsername(), u.usernameSkeleton());
    assertThatThrownBy(() -> store().reserve(pending(other, now())))
        .isInstanceOf(UsernameConflictException.class);
    store().forget(other.id());
    // ...and the retry, with the same id, does not collide with its own claims.
    store().reserve(pending(u, now()));
    assertThat(store().create(u)).isEqualTo(u);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(u);
    assertThat(store().unfinishedCreates(Long.MAX_VALUE, 10_000))
        .extracting(PendingCreate::id)
        .doesNotContain(u.id());
  }

  @Test
  void orphanClaims_nobodyRetries_abandonReleasesTheNames_andTheIdIsNeverCreated()
      throws Exception {
    StoredUser u = newUser();
    long longAgo = now() - 3_600_000_000L;
    store().reserve(pending(u, longAgo));
    List<PendingCreate> stale = store().unfinishedCreates(now() - 600_000_000L, 10_000);
    PendingCreate listed =
        stale.stream().filter(p -> p.id().equals(u.id())).findFirst().orElseThrow();
    assertThat(listed).isEqualTo(pending(u, longAgo));

    assertThat(store().abandon(listed)).isEqualTo(AbandonOutcome.ABANDONED);
    // A late attempt of the abandoned create cannot bring it back.
    assertThatThrownBy(() -> store().create(u)).isInstanceOf(CreateAbandonedException.class);
    assertThatThrownBy(() -> store().reserve(pending(u, now())))
        .isInstanceOf(CreateAbandonedException.class);
    assertThat(store().abandon(listed)).as("idempotent").isEqualTo(AbandonOutcome.ABANDONED);
    store().forget(u.id());
    assertThat(store().get(u.id())).isEmpty();
    assertThat(store().unfinishedCreates(Long.MAX_VALUE, 10_000))
        .extracting(PendingCreate::id)
        .doesNotContain(u.id());

    StoredUser next = user(UUID.randomUUID(), u.canonicalUsername(), u.usernameSkeleton());
    assertThat(create(next)).isEqualTo(next);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(next);
  }

  @Test
  void abandon_createRetriedSinceItWasListed_leftAlone() throws Exception {
    StoredUser u = newUser();
    store().reserve(pending(u, now() - 3_600_000_000L));
    PendingCreate listed =
        store().unfinishedCreates(now() - 600_000_000L, 10_000).stream()
            .filter(p -> p.id().equals(u.id()))
            .findFirst()
            .orElseThrow();
    store().reserve(pending(u, now())); // the client retries
    assertThat(store().abandon(listed)).isEqualTo(AbandonOutcome.RETRIED);
    assertThat(store().create(u)).isEqualTo(u);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(u);
  }

  @Test
  void abandon_createFinished_keepsTheUser() throws Exception {
    StoredUser u = newUser();
    PendingCreate p = pending(u, now() - 3_600_000_000L);
    store().reserve(p);
    store().create(u);
    assertThat(store().abandon(p)).isEqualTo(AbandonOutcome.FINISHED);
    assertThat(store().get(u.id())).contains(u);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(u);
  }

  @Test
  void lostUpdates_updateIsCompareAndSetOnTheVersion_staleOneIsAConflict_andWritesNothing()
      throws Exception {
    StoredUser u = newUser();
    create(u);
    StoredUser v2 = u.withChanges(bytes("e2"), "DE", 2, u.updatedAtMicros() + 100);
    assertThat(store().update(v2)).isEqualTo(UpdateOutcome.APPLIED);
    assertThat(store().get(u.id())).contains(v2);
    // A second writer that read version 1 too: not applied, and said so.
    StoredUser concurrent = u.withChanges(bytes("lost"), "FR", 2, u.updatedAtMicros() + 500);
    assertThat(store().update(concurrent)).isEqualTo(UpdateOutcome.CONFLICT);
    assertThat(store().get(u.id())).contains(v2);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(v2);
  }

  @Test
  void update_unknownUser_notFound() throws Exception {
    assertThat(store().update(newUser())).isEqualTo(UpdateOutcome.NOT_FOUND);
    StoredUser pendingOnly = newUser();
    store().reserve(pending(pendingOnly, now()));
    assertThat(store().update(pendingOnly.withChanges(bytes("x"), "SE", 2, 10)))
        .isEqualTo(UpdateOutcome.NOT_FOUND);
  }

  @Test
  void copy_createsMissingRows_replacesOlderVersions_neverNewerOnes() throws Exception {
    StoredUser u = newUser();
    store().copy(u);
    assertThat(store().get(u.id())).contains(u);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(u);
    StoredUser v3 = u.withChanges(bytes("e3"), "NO", 3, u.updatedAtMicros() + 300);
    store().copy(v3);
    assertThat(store().get(u.id())).contains(v3);
    store().copy(u.withChanges(bytes("e2"), "DE", 2, u.updatedAtMicros() + 200));
    assertThat(store().get(u.id())).contains(v3);
    StoredUser thief = user(UUID.randomUUID(), u.canonicalUsername(), u.usernameSkeleton());
    assertThatThrownBy(() -> store().copy(thief)).isInstanceOf(UsernameConflictException.class);
  }

  @Test
  void delete_removesRowAndReleasesNames() throws Exception {
    StoredUser u = newUser();
    create(u);
    assertThat(store().delete(u.id())).isTrue();
    assertThat(store().get(u.id())).isEmpty();
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).isEmpty();
    assertThat(store().delete(u.id())).isFalse();

    StoredUser again = user(UUID.randomUUID(), u.canonicalUsername(), u.usernameSkeleton());
    create(again);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(again);
  }

  @Test
  void orphanClaims_deleteOfAnIdWhoseCreateNeverFinished_releasesItsNames() throws Exception {
    StoredUser u = newUser();
    store().reserve(pending(u, now()));
    assertThat(store().delete(u.id())).as("no user existed").isFalse();
    assertThatThrownBy(() -> store().create(u)).isInstanceOf(CreateAbandonedException.class);
    assertThat(store().get(u.id())).isEmpty();
    StoredUser other = user(UUID.randomUUID(), u.canonicalUsername(), u.usernameSkeleton());
    assertThat(create(other)).isEqualTo(other);
  }

  @Test
  void scan_pagesThroughEveryUserOnce() throws Exception {
    Set<UUID> created = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      StoredUser u = newUser();
      create(u);
      created.add(u.id());
    }
    List<UUID> seen = new ArrayList<>();
    Optional<UUID> after = Optional.empty();
    while (true) {
      List<StoredUser> page = store().scan(after, 7);
      if (page.isEmpty()) {
        break;
      }
      page.forEach(u -> seen.add(u.id()));
      after = Optional.of(page.get(page.size() - 1).id());
    }
    assertThat(new HashSet<>(seen)).hasSameSizeAs(seen).containsAll(created);
  }

  @Test
  void isReachable_true() {
    assertThat(store().isReachable()).isTrue();
  }

  @Test
  void toString_carriesNoPersonalData() {
    StoredUser u = newUser();
    assertThat(u.toString()).doesNotContain(u.canonicalUsername()).contains(u.id().toString());
  }
}
