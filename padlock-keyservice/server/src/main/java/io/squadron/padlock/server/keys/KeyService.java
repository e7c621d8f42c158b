package io.squadron.padlock.server.keys;

import static java.util.Objects.requireNonNull;

import io.squadron.padlock.server.crypto.KeyDerivation;
import io.squadron.padlock.server.crypto.MasterKeyring;
import io.squadron.padlock.server.store.RootCache;
import io.squadron.padlock.server.store.RootStore;
import io.squadron.padlock.server.store.StoredUser;
import io.squadron.store.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, derives, blocks and shreds users' keys. A user is looked up in three layers: this process's memory (a
 * bounded cache of per-user HKDF PRKs and derived keys, entries living at most {@code cacheTtl}), then memcached
 * (wrapped roots), then Cassandra (the source of truth). Every store failure is returned at once, never retried.
 *
 * <p>Staleness bound: after a shred or block on one instance, other instances may serve the user's keys from memory
 * for at most {@code cacheTtl}. This instance forgets at once, and deletes the memcached entry twice (right after the
 * Cassandra write, and again after {@code secondDeleteDelay}, which closes the race with a concurrent reader that
 * loaded the row just before the shred).
 */
public final class KeyService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeyService.class);

  private final RootStore store;
  private final RootCache rootCache;
  private final MasterKeyring keyring;
  private final Categories categories;
  private final PadlockMetrics metrics;
  private final LongSupplier nanoTime;
  private final Duration secondDeleteDelay;
  private final ScheduledExecutorService background;
  private final UserCache users;
  private final DerivedSlots slots = new DerivedSlots();

  private KeyService(Builder b) {
    this.store = b.store;
    this.rootCache = b.rootCache;
    this.keyring = b.keyring;
    this.categories = b.categories;
    this.metrics = b.metrics;
    this.nanoTime = b.nanoTime;
    this.secondDeleteDelay = b.secondDeleteDelay;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "padlock-background");
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    this.background = executor;
    this.users = new UserCache(b.cacheMaxUsers, b.cacheTtl.toNanos(), b.nanoTime);
  }

  /** A builder; store, keyring, categories and metrics are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The configured categories. */
  public Categories categories() {
    return categories;
  }

  /**
   * Creates the user's root secret unless it exists.
   *
   * @return true when created now, false when it existed
   * @throws KeyServiceException KEYS_DELETED when the user was shredded
   * @throws StoreUnavailableException when Cassandra cannot be reached
   */
  public boolean createUserKeys(String userId) {
    byte[] root = keyring.newRoot();
    byte[] wrapped;
    try {
      wrapped = keyring.wrap(userId, root);
    } finally {
      MasterKeyring.wipe(root);
    }
    switch (store.create(userId, keyring.currentVersion(), wrapped)) {
      case CREATED:
        return true;
      case ALREADY_EXISTS:
        return false;
      default:
        users.put(userId, UserState.SHREDDED);
        throw deleted();
    }
  }

  /**
   * Derived keys for {@code items} on behalf of {@code service}; {@code result[i]} answers {@code items[i]}. Never
   * throws for one item's failure.
   */
  public List<KeyOutcome> derivedKeys(String service, List<KeyItem> items) {
    requireNonNull(service, "service");
    int n = items.size();
    KeyOutcome[] out = new KeyOutcome[n];
    int[] versions = new int[n];
    int[] slotOf = new int[n];
    SlotMemo memo = new SlotMemo(service);
    Map<String, UserState> states = new HashMap<>(Math.max(16, n * 2));
    Set<String> missing = new LinkedHashSet<>();
    long now = users.now();
    for (int i = 0; i < n; i++) {
      KeyItem item = items.get(i);
      int slot = memo.slot(item.category(), item.version());
      if (slot == SlotMemo.UNKNOWN_CATEGORY) {
        out[i] = KeyOutcome.failed(KeyOutcome.Failure.UNKNOWN_CATEGORY);
        continue;
      }
      if (slot == SlotMemo.UNKNOWN_VERSION) {
        out[i] = KeyOutcome.failed(KeyOutcome.Failure.UNKNOWN_VERSION);
        continue;
      }
      slotOf[i] = slot;
      versions[i] = memo.lastVersion;
      String userId = item.userId();
      if (!states.containsKey(userId) && !missing.contains(userId)) {
        UserState state = users.get(userId, now);
        if (state != null) {
          states.put(userId, state);
        } else {
          missing.add(userId);
        }
      }
    }
    metrics.memory(states.size(), missing.size());
    Map<String, KeyOutcome.Failure> loadFailures = missing.isEmpty() ? Map.of() : load(missing, states);

    int ok = 0;
    int[] failures = new int[KeyOutcome.Failure.values().length];
    for (int i = 0; i < n; i++) {
      if (out[i] == null) {
        KeyItem item = items.get(i);
        UserState state = states.get(item.userId());
        if (state == null) {
          out[i] = KeyOutcome.failed(loadFailures.getOrDefault(item.userId(), KeyOutcome.Failure.STORE_UNAVAILABLE));
        } else if (state.isShredded()) {
          out[i] = KeyOutcome.failed(KeyOutcome.Failure.KEYS_DELETED);
        } else if (state.isBlocked(item.category())) {
          out[i] = KeyOutcome.failed(KeyOutcome.Failure.CATEGORY_BLOCKED);
        } else {
          out[i] = KeyOutcome.ok(state.derive(slotOf[i], item.category(), service, versions[i]));
        }
      }
      if (out[i].isOk()) {
        ok++;
      } else {
        failures[out[i].failure().ordinal()]++;
      }
    }
    metrics.batch(n, ok, failures);
    return Arrays.asList(out);
  }

  /**
   * Per batch: resolves (category, asked version) to the effective version and a derived-key slot, remembering the
   * few distinct pairs a batch has (a linear scan over a handful beats hashing a new key object per item).
   */
  private final class SlotMemo {
    static final int UNKNOWN_CATEGORY = -2;
    static final int UNKNOWN_VERSION = -3;

    private final String service;
    private final String[] categories = new String[8];
    private final int[] asked = new int[8];
    private final int[] effective = new int[8];
    private final int[] slotIds = new int[8];
    private int size;
    int lastVersion;

    SlotMemo(String service) {
      this.service = service;
    }

    int slot(String category, int version) {
      for (int j = 0; j < size; j++) {
        if (asked[j] == version && categories[j].equals(category)) {
          lastVersion = effective[j];
          return slotIds[j];
        }
      }
      OptionalInt current = categories().currentVersion(category);
      if (current.isEmpty()) {
        return UNKNOWN_CATEGORY;
      }
      int v = version == 0 ? current.getAsInt() : version;
      if (v < 1 || v > current.getAsInt()) {
        return UNKNOWN_VERSION;
      }
      int slot = slots.slot(category, service, v);
      if (size < categories.length) {
        categories[size] = category;
        asked[size] = version;
        effective[size] = v;
        slotIds[size] = slot;
        size++;
      }
      lastVersion = v;
      return slot;
    }
  }

  /** Loads {@code missing} users from memcached, then Cassandra, into {@code states}; returns the failures. */
  private Map<String, KeyOutcome.Failure> load(Collection<String> missing, Map<String, UserState> states) {
    Map<String, KeyOutcome.Failure> failures = new HashMap<>();
    long start = nanoTime.getAsLong();
    Map<String, StoredUser> cached = rootCache.getAll(missing);
    List<String> rest = new ArrayList<>(missing.size());
    for (String userId : missing) {
      StoredUser user = cached.get(userId);
      UserState state = user == null ? null : unwrapOrNull(user);
      if (state != null) {
        users.put(userId, state);
        states.put(userId, state);
      } else {
        rest.add(userId);
      }
    }
    metrics.memcached(missing.size() - rest.size(), rest.size(), nanoTime.getAsLong() - start);
    if (rest.isEmpty()) {
      return failures;
    }

    start = nanoTime.getAsLong();
    int found = 0;
    int absent = 0;
    for (Map.Entry<String, RootStore.ReadResult> e : store.readAll(rest).entrySet()) {
      String userId = e.getKey();
      RootStore.ReadResult result = e.getValue();
      if (result.failure().isPresent()) {
        failures.put(userId, KeyOutcome.Failure.STORE_UNAVAILABLE);
      } else if (result.user().isEmpty()) {
        absent++;
        failures.put(userId, KeyOutcome.Failure.USER_NOT_FOUND);
      } else {
        found++;
        StoredUser user = result.user().get();
        if (user.shredded()) {
          users.put(userId, UserState.SHREDDED);
          states.put(userId, UserState.SHREDDED);
          continue;
        }
        UserState state = unwrapOrNull(user);
        if (state == null) {
          failures.put(userId, KeyOutcome.Failure.ROOT_UNREADABLE);
          continue;
        }
        users.put(userId, state);
        states.put(userId, state);
        rootCache.put(user);
        if (user.masterVersion() != keyring.currentVersion()) {
          background.execute(() -> rewrapQuietly(user));
        }
      }
    }
    metrics.cassandra(found, absent, nanoTime.getAsLong() - start);
    return failures;
  }

  private UserState unwrapOrNull(StoredUser user) {
    byte[] root;
    try {
      root = keyring.unwrap(user.userId(), user.masterVersion(), user.wrappedRoot());
    } catch (MasterKeyring.UnwrapException e) {
      log.error("a stored root cannot be unwrapped: {}", e.getMessage());
      return null;
    }
    try {
      return new UserState(KeyDerivation.userPrk(root), user.blocked());
    } finally {
      MasterKeyring.wipe(root);
    }
  }

  /**
   * Crypto-shreds the user: the Cassandra row becomes a shredded marker, the memcached entry is deleted, and this
   * instance remembers the user as shredded. Idempotent.
   *
   * @throws StoreUnavailableException when Cassandra or memcached cannot be reached (call again: it is idempotent)
   */
  public void deleteUserKeys(String userId) {
    store.shred(userId);
    users.put(userId, UserState.SHREDDED);
    metrics.shred();
    forgetEverywhere(userId);
  }

  /**
   * Blocks {@code category} for the user.
   *
   * @throws KeyServiceException UNKNOWN_CATEGORY, USER_NOT_FOUND or KEYS_DELETED
   */
  public void blockCategory(String userId, String category) {
    requireCategory(category);
    applied(store.block(userId, category), userId);
  }

  /**
   * Unblocks {@code category} for the user.
   *
   * @throws KeyServiceException UNKNOWN_CATEGORY, USER_NOT_FOUND or KEYS_DELETED
   */
  public void unblockCategory(String userId, String category) {
    requireCategory(category);
    applied(store.unblock(userId, category), userId);
  }

  private void applied(RootStore.UpdateResult result, String userId) {
    switch (result) {
      case APPLIED:
        users.invalidate(userId);
        forgetEverywhere(userId);
        return;
      case NOT_FOUND:
        throw new KeyServiceException(KeyOutcome.Failure.USER_NOT_FOUND, "the user has no keys");
      default:
        users.put(userId, UserState.SHREDDED);
        throw deleted();
    }
  }

  private void forgetEverywhere(String userId) {
    rootCache.delete(userId);
    if (!secondDeleteDelay.isZero()) {
      background.schedule(() -> {
        try {
          rootCache.delete(userId);
        } catch (StoreUnavailableException e) {
          log.warn("second memcached delete after a key change failed: {}", e.getMessage());
        }
      }, secondDeleteDelay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void requireCategory(String category) {
    if (!categories.contains(category)) {
      throw new KeyServiceException(KeyOutcome.Failure.UNKNOWN_CATEGORY, "unknown category");
    }
  }

  /**
   * Rewraps one page of stored roots under the current master key.
   *
   * @throws StoreUnavailableException when Cassandra cannot be reached (resume from the same token)
   */
  public RotationPage rotateMasterKey(String pageToken, int pageSize) {
    RootStore.Page page = store.scan(pageToken, pageSize);
    int rewrapped = 0;
    for (StoredUser user : page.users()) {
      if (!user.shredded() && user.masterVersion() != keyring.currentVersion() && rewrap(user)) {
        rewrapped++;
      }
    }
    return new RotationPage(page.users().size(), rewrapped, page.nextPageToken(), keyring.currentVersion());
  }

  private void rewrapQuietly(StoredUser user) {
    try {
      rewrap(user);
    } catch (RuntimeException e) {
      log.debug("lazy rewrap skipped: {}", e.getMessage());
    }
  }

  private boolean rewrap(StoredUser user) {
    byte[] root;
    try {
      root = keyring.unwrap(user.userId(), user.masterVersion(), user.wrappedRoot());
    } catch (MasterKeyring.UnwrapException e) {
      log.error("rewrap: a stored root cannot be unwrapped: {}", e.getMessage());
      return false;
    }
    try {
      byte[] wrapped = keyring.wrap(user.userId(), root);
      boolean applied = store.rewrap(user.userId(), user.masterVersion(), keyring.currentVersion(), wrapped);
      if (applied) {
        metrics.rewrapped(1);
        rootCache.put(StoredUser.active(user.userId(), keyring.currentVersion(), wrapped, user.blocked()));
      }
      return applied;
    } finally {
      MasterKeyring.wipe(root);
    }
  }

  /** Whether Cassandra answers (readiness). */
  public boolean storeReachable() {
    return store.isReachable();
  }

  private static KeyServiceException deleted() {
    return new KeyServiceException(KeyOutcome.Failure.KEYS_DELETED, "the user's keys were deleted");
  }

  /** Stops the background thread; the stores are closed by whoever opened them. */
  @Override
  public void close() {
    background.shutdownNow();
  }

  /**
   * One page of a master key rotation.
   *
   * @param scanned users scanned
   * @param rewrapped roots rewrapped
   * @param nextPageToken where to resume; empty when done
   * @param currentMasterVersion the master key version roots are wrapped under now
   */
  public record RotationPage(int scanned, int rewrapped, String nextPageToken, int currentMasterVersion) {}

  /** Assembles a {@link KeyService}. */
  public static final class Builder {
    /** Users kept in memory by default. */
    public static final long DEFAULT_CACHE_MAX_USERS = 200_000;
    /** How long a user stays in memory by default (the cross-instance staleness bound). */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);

    private RootStore store;
    private RootCache rootCache = RootCache.none();
    private MasterKeyring keyring;
    private Categories categories;
    private PadlockMetrics metrics;
    private LongSupplier nanoTime = System::nanoTime;
    private long cacheMaxUsers = DEFAULT_CACHE_MAX_USERS;
    private Duration cacheTtl = DEFAULT_CACHE_TTL;
    private Duration secondDeleteDelay = Duration.ofSeconds(2);

    private Builder() {}

    /** The durable store (required). */
    public Builder store(RootStore store) {
      this.store = requireNonNull(store, "store");
      return this;
    }

    /** The shared cache in front of the store; none by default. */
    public Builder rootCache(RootCache rootCache) {
      this.rootCache = requireNonNull(rootCache, "rootCache");
      return this;
    }

    /** The master keys (required). */
    public Builder keyring(MasterKeyring keyring) {
      this.keyring = requireNonNull(keyring, "keyring");
      return this;
    }

    /** The categories (required). */
    public Builder categories(Categories categories) {
      this.categories = requireNonNull(categories, "categories");
      return this;
    }

    /** Where to count (required). */
    public Builder metrics(PadlockMetrics metrics) {
      this.metrics = requireNonNull(metrics, "metrics");
      return this;
    }

    /** The clock of cache expiry and latency metrics. */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** How many users the memory cache holds. */
    public Builder cacheMaxUsers(long maxUsers) {
      if (maxUsers < 0) {
        throw new IllegalArgumentException("cacheMaxUsers: " + maxUsers + " (expected: >= 0)");
      }
      this.cacheMaxUsers = maxUsers;
      return this;
    }

    /** How long a user stays in the memory cache. */
    public Builder cacheTtl(Duration ttl) {
      requireNonNull(ttl, "ttl");
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("cacheTtl: " + ttl + " (expected: > 0)");
      }
      this.cacheTtl = ttl;
      return this;
    }

    /** The delay of the second memcached delete after a shred or block; zero turns it off. */
    public Builder secondDeleteDelay(Duration delay) {
      requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("secondDeleteDelay: " + delay + " (expected: >= 0)");
      }
      this.secondDeleteDelay = delay;
      return this;
    }

    /** Builds the service. */
    public KeyService build() {
      requireNonNull(store, "store");
      requireNonNull(keyring, "keyring");
      requireNonNull(categories, "categories");
      requireNonNull(metrics, "metrics");
      return new KeyService(this);
    }
  }
}
