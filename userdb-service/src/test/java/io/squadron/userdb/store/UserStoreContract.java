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
    String name = "user" + NAMES.incrementAndGet() + "x" + UUID.randomUUID().toString().substring(0, 8);
    return user(UUID.randomUUID(), name, "sk-" + name);
  }

  static StoredUser user(UUID id, String canonical, String skeleton) {
    return new StoredUser(id, canonical.toUpperCase(), canonical, skeleton, bytes("cipher-email-" + id), "SE",
        Optional.of(bytes("cipher-birth")), 1, 1_000_000L);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void create_thenGetByIdAndByCanonicalName() throws Exception {
    StoredUser u = newUser();
    store().create(u);
    assertThat(store().get(u.id())).contains(u);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(u);
  }

  @Test
  void create_withoutBirthDate_roundTrips() throws Exception {
    StoredUser u = newUser();
    StoredUser noBirth = new StoredUser(u.id(), u.username(), u.canonicalUsername(), u.usernameSkeleton(),
        u.emailCipher(), "US", Optional.empty(), 1, 5);
    store().create(noBirth);
    assertThat(store().get(u.id())).contains(noBirth);
  }

  @Test
  void get_unknown_empty() {
    assertThat(store().get(UUID.randomUUID())).isEmpty();
    assertThat(store().getByCanonicalUsername("nobody-" + UUID.randomUUID())).isEmpty();
  }

  @Test
  void create_sameIdAgain_isIdempotent() throws Exception {
    StoredUser u = newUser();
    store().create(u);
    store().create(u);
    assertThat(store().get(u.id())).contains(u);
  }

  @Test
  void create_olderCopyOfExistingRow_doesNotOverwriteNewer() throws Exception {
    StoredUser u = newUser();
    StoredUser newer = u.withChanges(bytes("new-email"), "NO", 2, u.updatedAtMicros() + 10);
    store().create(newer);
    store().create(u);
    assertThat(store().get(u.id())).contains(newer);
  }

  @Test
  void create_takenCanonicalName_taken() throws Exception {
    StoredUser u = newUser();
    store().create(u);
    StoredUser other = user(UUID.randomUUID(), u.canonicalUsername(), u.usernameSkeleton());
    assertThatThrownBy(() -> store().create(other))
        .isInstanceOfSatisfying(UsernameConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(UsernameConflictException.Kind.TAKEN));
    assertThat(store().get(other.id())).isEmpty();
  }

  @Test
  void create_sameSkeletonOtherName_confusable() throws Exception {
    StoredUser u = newUser();
    store().create(u);
    StoredUser lookAlike = user(UUID.randomUUID(), u.canonicalUsername() + "-alike", u.usernameSkeleton());
    assertThatThrownBy(() -> store().create(lookAlike))
        .isInstanceOfSatisfying(UsernameConflictException.class,
            e -> assertThat(e.kind()).isEqualTo(UsernameConflictException.Kind.CONFUSABLE));
    assertThat(store().getByCanonicalUsername(lookAlike.canonicalUsername())).isEmpty();
  }

  @Test
  void update_changesFields_olderUpdateIgnored() throws Exception {
    StoredUser u = newUser();
    store().create(u);
    StoredUser v2 = u.withChanges(bytes("e2"), "DE", 2, u.updatedAtMicros() + 100);
    assertThat(store().update(v2)).isTrue();
    assertThat(store().get(u.id())).contains(v2);
    StoredUser stale = u.withChanges(bytes("stale"), "FR", 2, u.updatedAtMicros() + 50);
    assertThat(store().update(stale)).isTrue();
    assertThat(store().get(u.id())).contains(v2);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(v2);
  }

  @Test
  void update_unknownUser_false() {
    assertThat(store().update(newUser())).isFalse();
  }

  @Test
  void delete_removesRowAndReleasesNames() throws Exception {
    StoredUser u = newUser();
    store().create(u);
    assertThat(store().delete(u.id())).isTrue();
    assertThat(store().get(u.id())).isEmpty();
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).isEmpty();
    assertThat(store().delete(u.id())).isFalse();

    StoredUser again = user(UUID.randomUUID(), u.canonicalUsername(), u.usernameSkeleton());
    store().create(again);
    assertThat(store().getByCanonicalUsername(u.canonicalUsername())).contains(again);
  }

  @Test
  void scan_pagesThroughEveryUserOnce() throws Exception {
    Set<UUID> created = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      StoredUser u = newUser();
      store().create(u);
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
