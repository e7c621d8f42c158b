package io.squadron.padlock.server.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.squadron.padlock.server.crypto.MasterKeyring;
import io.squadron.padlock.server.store.RootCache;
import io.squadron.padlock.server.store.RootStore;
import io.squadron.padlock.server.store.StoredUser;
import io.squadron.store.StoreUnavailableException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

/**
 * KeyService's background work on recording doubles of its two stores (the stores themselves are
 * tested on real servers in the edge tests): second marker writes after a change (their own
 * executor, also after a failed first write, made at close), and lazy rewraps (bounded, one per
 * user at a time).
 */
class KeyServiceBackgroundTest {
  private static byte[] filled(int b) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) b);
    return key;
  }

  /** Records marker writes; fails the first {@code failures} of them. */
  private static final class RecordingCache implements RootCache {
    final List<String> marks = new CopyOnWriteArrayList<>();
    final AtomicInteger failures = new AtomicInteger();

    @Override
    public Map<String, Read> getAll(
        Collection<String> userIds, ToLongFunction<String> lastChangeMillis) {
      Map<String, Read> out = new HashMap<>();
      userIds.forEach(u -> out.put(u, Read.MISS));
      return out;
    }

    @Override
    public void fill(StoredUser user, Read before) {}

    @Override
    public void markShredded(String userId) {
      mark("shredded:" + userId);
    }

    @Override
    public void markChanged(String userId) {
      mark("changed:" + userId);
    }

    private void mark(String what) {
      if (failures.getAndDecrement() > 0) {
        throw new StoreUnavailableException("memcached", "mark", null);
      }
      marks.add(what);
    }

    @Override
    public void close() {}
  }

  /** Users wrapped under master key 1; rewraps block until released and are counted per user. */
  private static final class RecordingStore implements RootStore {
    final MasterKeyring oldRing = MasterKeyring.of(Map.of(1, filled(1)), 1, new SecureRandom());
    final Map<String, AtomicInteger> rewraps = new ConcurrentHashMap<>();
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public Optional<StoredUser> read(String userId) {
      return Optional.of(user(userId));
    }

    StoredUser user(String userId) {
      return StoredUser.active(userId, 1, oldRing.wrap(userId, new byte[32]), java.util.Set.of());
    }

    @Override
    public Map<String, ReadResult> readAll(Collection<String> userIds, BooleanSupplier abandoned) {
      Map<String, ReadResult> out = new HashMap<>();
      userIds.forEach(u -> out.put(u, ReadResult.of(Optional.of(user(u)))));
      return out;
    }

    @Override
    public CreateResult create(String userId, int masterVersion, byte[] wrappedRoot) {
      return CreateResult.CREATED;
    }

    @Override
    public void shred(String userId) {}

    @Override
    public UpdateResult block(String userId, String category) {
      return UpdateResult.APPLIED;
    }

    @Override
    public UpdateResult unblock(String userId, String category) {
      return UpdateResult.APPLIED;
    }

    @Override
    public long recordChange(String userId) {
      return System.currentTimeMillis();
    }

    @Override
    public List<Change> changesSince(long sinceMillis) {
      return List.of();
    }

    @Override
    public boolean rewrap(
        String userId, int expectedMasterVersion, int newMasterVersion, byte[] newWrappedRoot) {
      rewraps.computeIfAbsent(userId, u -> new AtomicInteger()).incrementAndGet();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return true;
    }

    @Override
    public Page scan(String pageToken, int pageSize) {
      return new Page(List.of(), "");
    }

    @Override
    public boolean isReachable() {
      return true;
    }

    @Override
    public void close() {}
  }

  private final RecordingCache cache = new RecordingCache();
  private final RecordingStore store = new RecordingStore();

  private KeyService service(Duration secondMarkerDelay) {
    return KeyService.builder()
        .store(store)
        .rootCache(cache)
        .keyring(MasterKeyring.of(Map.of(1, filled(1), 2, filled(2)), 2, new SecureRandom()))
        .categories(Categories.of(Map.of("account", 1)))
        .metrics(new PadlockMetrics(new SimpleMeterRegistry()))
        .secondMarkerDelay(secondMarkerDelay)
        .changePollInterval(Duration.ZERO)
        .cacheMaxUsers(0)
        .build();
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void shredRacesLookup_firstMarkerWriteFails_secondIsStillMadeAndIsTheRetry() throws Exception {
    cache.failures.set(1);
    try (KeyService keys = service(Duration.ofMillis(50))) {
      assertThatThrownBy(() -> keys.deleteUserKeys("u"))
          .isInstanceOf(StoreUnavailableException.class);
      await(() -> cache.marks.contains("shredded:u"));
    }
  }

  @Test
  void shredRacesLookup_secondMarkersPendingAtClose_madeThenNotDropped() {
    KeyService keys = service(Duration.ofHours(1));
    keys.deleteUserKeys("a");
    keys.blockCategory("b", "account");
    assertThat(cache.marks).containsExactly("shredded:a", "changed:b");
    keys.close();
    // Both pending second writes made at close, in no particular order (their delays are equal).
    assertThat(cache.marks).hasSize(4);
    assertThat(cache.marks.subList(2, 4)).containsExactlyInAnyOrder("shredded:a", "changed:b");
  }

  @Test
  void shredRacesLookup_lazyRewraps_oneQueuedPerUser_boundedQueue() throws Exception {
    try (KeyService keys = service(Duration.ZERO)) {
      List<KeyItem> items = List.of(new KeyItem("u", "account", 0));
      for (int i = 0; i < 50; i++) {
        assertThat(keys.derivedKeys("userdb", items).get(0).isOk()).isTrue();
      }
      for (int i = 0; i < KeyService.MAX_PENDING_REWRAPS + 50; i++) {
        keys.derivedKeys("userdb", List.of(new KeyItem("v" + i, "account", 0)));
      }
      store.release.countDown();
      await(() -> store.rewraps.containsKey("u"));
      assertThat(store.rewraps.get("u").get()).as("rewraps of one user read 50 times").isEqualTo(1);
      assertThat(store.rewraps.size())
          .as("rewraps queued at most")
          .isLessThanOrEqualTo(KeyService.MAX_PENDING_REWRAPS + 2);
    }
  }
}
