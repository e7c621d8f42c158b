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
    cache.put("u", state);
    assertThat(cache.get("u", clock.get() + ttl * 8 / 10 - 1)).isSameAs(state);
    assertThat(cache.get("u", clock.get() + ttl)).isNull();
    assertThat(cache.size()).isZero();
  }

  @Test
  void put_pastTheBound_evictsToNinetyPercent() {
    UserCache cache = new UserCache(100, ttl, clock::get);
    for (int i = 0; i < 101; i++) {
      cache.put("u" + i, state);
    }
    assertThat(cache.size()).isEqualTo(90);
  }

  @Test
  void maxUsersZero_cachesNothing_invalidateRemoves() {
    UserCache none = new UserCache(0, ttl, clock::get);
    none.put("u", state);
    assertThat(none.get("u", clock.get())).isNull();
    UserCache cache = new UserCache(10, ttl, clock::get);
    cache.put("u", state);
    cache.invalidate("u");
    assertThat(cache.get("u", clock.get())).isNull();
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
    assertThat(state.derive(DerivedSlots.NO_SLOT, "account", "userdb", 1).key()).isEqualTo(first.key());
  }
}
