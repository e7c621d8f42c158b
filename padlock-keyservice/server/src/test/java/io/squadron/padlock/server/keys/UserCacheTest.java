package io.squadron.padlock.server.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UserCacheTest {
  private final AtomicLong clock = new AtomicLong(1_000);
  private final long ttl = Duration.ofSeconds(30).toNanos();
  private final UserState state = new UserState(new byte[32], Set.of());

  @Test
  void get_withinEightyPercentOfTtl_hit_afterTtl_miss() {
    UserCache cache = new UserCache(10, ttl, clock::get);
    cache.putIfUnchanged("u", state, cache.generation("u"));
    assertThat(cache.get("u", clock.get() + ttl * 8 / 10 - 1)).isSameAs(state);
    assertThat(cache.get("u", clock.get() + ttl)).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void put_pastTheBound_evictsToNinetyPercent() {
    UserCache cache = new UserCache(100, ttl, clock::get);
    for (int i = 0; i < 101; i++) {
      cache.putIfUnchanged("u" + i, state, cache.generation("u" + i));
    }
    assertThat(cache.size()).isEqualTo(90);
  }

  @Test
  void maxUsersZero_cachesNothing_invalidateRemoves() {
    UserCache none = new UserCache(0, ttl, clock::get);
    assertThat(none.putIfUnchanged("u", state, none.generation("u"))).isFalse();
    assertThat(none.get("u", clock.get())).isNull();
    UserCache cache = new UserCache(10, ttl, clock::get);
    cache.putIfUnchanged("u", state, cache.generation("u"));
    cache.invalidate("u", null);
    assertThat(cache.get("u", clock.get())).isNull();
  }

  @Test
  void shredRacesLookup_putOfAStateReadBeforeTheShred_cannotOverwriteTheMarker() {
    UserCache cache = new UserCache(10, ttl, clock::get);
    long before = cache.generation("u"); // a lookup starts reading the stores
    cache.invalidate("u", UserState.SHREDDED); // the shred completes on this instance
    assertThat(cache.putIfUnchanged("u", state, before))
        .isFalse(); // the lookup's live state arrives late
    assertThat(cache.get("u", clock.get())).isSameAs(UserState.SHREDDED);
    // Even once the marker is gone (expired or evicted), the late put stays refused.
    cache.invalidate("u", null);
    assertThat(cache.putIfUnchanged("u", state, before)).isFalse();
    assertThat(cache.get("u", clock.get())).isNull();
    assertThat(cache.putIfUnchanged("u", state, cache.generation("u"))).isTrue();
  }

  @Test
  void absentUsers_rememberedForTheirOwnShortTtl_orNotAtAll() {
    long absentTtl = Duration.ofSeconds(2).toNanos();
    UserCache cache = new UserCache(10, ttl, absentTtl, clock::get);
    cache.putIfUnchanged("u", UserState.ABSENT, cache.generation("u"));
    assertThat(cache.get("u", clock.get() + absentTtl * 8 / 10 - 1)).isSameAs(UserState.ABSENT);
    assertThat(cache.get("u", clock.get() + absentTtl)).isNull();
    UserCache none = new UserCache(10, ttl, 0, clock::get);
    assertThat(none.putIfUnchanged("u", UserState.ABSENT, none.generation("u"))).isFalse();
  }

  @Test
  void derivedKeys_cachedPerSlot_andEqualToFreshDerivation() {
    DerivedSlots slots = new DerivedSlots();
    int a = slots.slot("account", "userdb", 1);
    int b = slots.slot("account", "billing", 1);
    assertThat(a).isNotEqualTo(b);
    assertThat(slots.slot("account", "userdb", 1)).isEqualTo(a);
    DerivedKey first = state.derive(a, "account", "userdb", 1);
    assertThat(state.derive(a, "account", "userdb", 1)).isSameAs(first);
    assertThat(state.derive(b, "account", "billing", 1).key()).isNotEqualTo(first.key());
    assertThat(state.derive(DerivedSlots.NO_SLOT, "account", "userdb", 1).key())
        .isEqualTo(first.key());
  }
}
