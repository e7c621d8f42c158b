package io.squadron.padlock.server.keys;

import static java.util.Objects.requireNonNull;

import io.squadron.padlock.server.crypto.KeyDerivation;
import io.squadron.padlock.server.crypto.MasterKeyring;
import io.squadron.padlock.server.store.RootCache;
import io.squadron.padlock.server.store.RootStore;
import io.squadron.padlock.server.store.StoredUser;
import io.squadron.store.StoreUnavailableException;
import java.time.Clock;
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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, derives, blocks and shreds users' keys. A user is looked up in three layers: this
 * process's memory (a bounded cache of per-user HKDF PRKs and derived keys, entries living at most
 * {@code cacheTtl}; users the store does not have for {@code absentTtl}), then memcached
 * (authenticated wrapped roots and markers), then Cassandra (the source of truth, read at a
 * quorum). Every store failure is returned at once, never retried.
 *
 * <p>The change log. Every shred, block and unblock is also recorded in Cassandra's change log;
 * every instance reads its last minutes every {@code changePollInterval} (about a second): it drops
 * the users changed elsewhere from its memory, and refuses memcached entries of active users
 * written before their user's latest change (a fill that lost a race, or a replay by someone who
 * can write to memcached) for {@code changeWindow} (the memcached TTL). Until an instance has read
 * the log once, it trusts no memcached entry of an active user.
 *
 * <p>Changes against stale reads. A shred, block or unblock writes Cassandra first, then, on this
 * instance, bumps the user's {@link UserCache} generation (a lookup that began before it caches
 * nothing) and overwrites the memcached entry with a marker that fills cannot overwrite ({@link
 * RootCache}); the marker is written again after {@code secondMarkerDelay} on a bounded executor of
 * its own, also when the first write failed, and pending second writes are made at {@link
 * #close()}. Other instances may serve a user from memory until they read the change log (about a
 * second), and at most {@code cacheTtl} when they cannot read it.
 */
public final class KeyService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeyService.class);

  /**
   * Second marker writes waiting at most; beyond, a marker is written again at once instead of
   * later.
   */
  static final int MAX_PENDING_MARKERS = 10_000;

  /**
   * Lazy rewraps waiting at most; beyond, a root is rewrapped by a later read or by
   * RotateMasterKey.
   */
  static final int MAX_PENDING_REWRAPS = 1_000;

  private final RootStore store;
  private final RootCache rootCache;
  private final MasterKeyring keyring;
  private final Categories categories;
  private final PadlockMetrics metrics;
  private final LongSupplier nanoTime;
  private final Duration secondMarkerDelay;
  private final ScheduledThreadPoolExecutor markerWrites;
  private final Map<Object, PendingMarker> pendingMarkers = new ConcurrentHashMap<>();
  private final ThreadPoolExecutor rewraps;
  private final Set<String> pendingRewraps = ConcurrentHashMap.newKeySet();
  private final UserCache users;
  private final DerivedSlots slots = new DerivedSlots();
  private final Clock clock;
  private final Duration changeWindow;
  private final Map<String, Long> recentChanges = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor changePoller;
  private volatile boolean changesKnown;

  private KeyService(Builder b) {
    this.store = b.store;
    this.rootCache = b.rootCache;
    this.keyring = b.keyring;
    this.categories = b.categories;
    this.metrics = b.metrics;
    this.nanoTime = b.nanoTime;
    this.secondMarkerDelay = b.secondMarkerDelay;
    this.markerWrites = new ScheduledThreadPoolExecutor(1, daemon("padlock-marker-writes"));
    markerWrites.setRemoveOnCancelPolicy(true);
    this.rewraps =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_PENDING_REWRAPS),
            daemon("padlock-rewraps"),
            new ThreadPoolExecutor.AbortPolicy());
    this.users =
        new UserCache(b.cacheMaxUsers, b.cacheTtl.toNanos(), b.absentTtl.toNanos(), b.nanoTime);
    this.clock = b.clock;
    this.changeWindow = b.changeWindow;
    this.changePoller = new ScheduledThreadPoolExecutor(1, daemon("padlock-change-log"));
    if (b.changePollInterval.isZero()) {
      changesKnown =
          true; // no change log: memcached entries are trusted as they are (tests of the other
      // layers)
    } else {
      changePoller.scheduleWithFixedDelay(
          this::pollChanges, 0, b.changePollInterval.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** How far back each poll after the first reads the log: changes arrive late, clocks differ. */
  static final Duration CHANGE_OVERLAP = Duration.ofMinutes(2);

  /** The most changes remembered; beyond, the oldest are forgotten (and counted). */
  static final int MAX_RECENT_CHANGES = 1_000_000;

  /**
   * Reads the change log: users changed elsewhere leave this instance's memory; their older entries
   * are refused.
   */
  private void pollChanges() {
    long now = clock.millis();
    try {
      List<RootStore.Change> changes =
          store.changesSince(now - (changesKnown ? CHANGE_OVERLAP : changeWindow).toMillis());
      int applied = 0;
      for (RootStore.Change change : changes) {
        Long known = recentChanges.get(change.userId());
        if (known == null || change.atMillis() > known) {
          recentChanges.merge(change.userId(), change.atMillis(), Math::max);
          users.invalidate(change.userId(), null);
          applied++;
        }
      }
      long horizon = now - changeWindow.toMillis() - CHANGE_OVERLAP.toMillis();
      recentChanges.values().removeIf(at -> at < horizon);
      if (recentChanges.size() > MAX_RECENT_CHANGES) {
        metrics.changesForgotten(recentChanges.size() - MAX_RECENT_CHANGES);
        recentChanges.entrySet().stream()
            .sorted(Map.Entry.comparingByValue())
            .limit(recentChanges.size() - MAX_RECENT_CHANGES)
            .map(Map.Entry::getKey)
            .toList()
            .forEach(recentChanges::remove);
      }
      metrics.changesApplied(applied);
      changesKnown = true;
    } catch (StoreUnavailableException e) {
      metrics.changePollFailed();
      log.debug("change log not read: {}", e.getMessage());
    } catch (RuntimeException e) {
      metrics.changePollFailed();
      log.warn("change log not read", e);
    }
  }

  /**
   * The user's latest known change (epoch ms); before the log was read once, "now and always" for
   * everyone.
   */
  private long lastChange(String userId) {
    if (!changesKnown) {
      return Long.MAX_VALUE;
    }
    Long at = recentChanges.get(userId);
    return at == null ? Long.MIN_VALUE : at;
  }

  /**
   * Whether this instance has read the change log at least once (readiness: before, memcached is
   * not trusted).
   */
  public boolean changesKnown() {
    return changesKnown;
  }

  private void recordChange(String userId) {
    long at = store.recordChange(userId);
    recentChanges.merge(userId, at, Math::max);
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
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
        users.invalidate(userId, null); // "no such user" may be remembered here
        return true;
      case ALREADY_EXISTS:
        users.invalidate(userId, null);
        return false;
      default:
        users.invalidate(userId, UserState.SHREDDED);
        throw deleted();
    }
  }

  /**
   * Derived keys for {@code items} on behalf of {@code service}; {@code result[i]} answers {@code
   * items[i]}. Never throws for one item's failure.
   */
  public List<KeyOutcome> derivedKeys(String service, List<KeyItem> items) {
    return derivedKeys(service, items, () -> false);
  }

  /**
   * As {@link #derivedKeys(String, List)}, stopping the store reads once {@code abandoned} is true
   * (the call's deadline passed or it was cancelled: nobody will read the answer); the items not
   * read then fail with STORE_UNAVAILABLE.
   */
  public List<KeyOutcome> derivedKeys(
      String service, List<KeyItem> items, BooleanSupplier abandoned) {
    requireNonNull(service, "service");
    requireNonNull(abandoned, "abandoned");
    int n = items.size();
    KeyOutcome[] out = new KeyOutcome[n];
    int[] versions = new int[n];
    int[] slotOf = new int[n];
    // The state each item's user had in memory: one lookup per item. A per-batch map of distinct
    // users cost more than the lookups it saved (a HashMap put, containsKey and get per item were
    // about a tenth of the handler's profile); only the users memory lacks are collected, once
    // each, to read from the stores. A change racing the batch (a shred) may so reach some of a
    // user's items and not others, as it may reach one batch and not the next.
    UserState[] stateOf = new UserState[n];
    Set<String> missing = null;
    int fromMemory = 0;
    int notInMemory = 0;
    SlotMemo memo = new SlotMemo(service);
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
      UserState state = users.get(item.userId(), now);
      if (state != null) {
        stateOf[i] = state;
        fromMemory++;
      } else {
        notInMemory++;
        if (missing == null) {
          missing = new LinkedHashSet<>();
        }
        missing.add(item.userId());
      }
    }
    metrics.memory(fromMemory, notInMemory);
    Map<String, UserState> loaded = Map.of();
    Map<String, KeyOutcome.Failure> loadFailures = Map.of();
    if (missing != null) {
      loaded = new HashMap<>(missing.size() * 2);
      loadFailures = load(missing, loaded, abandoned);
    }

    int ok = 0;
    int[] failures = new int[KeyOutcome.Failure.values().length];
    for (int i = 0; i < n; i++) {
      if (out[i] == null) {
        KeyItem item = items.get(i);
        UserState state = stateOf[i] != null ? stateOf[i] : loaded.get(item.userId());
        if (state == null) {
          out[i] =
              KeyOutcome.failed(
                  loadFailures.getOrDefault(item.userId(), KeyOutcome.Failure.STORE_UNAVAILABLE));
        } else if (state.isShredded()) {
          out[i] = KeyOutcome.failed(KeyOutcome.Failure.KEYS_DELETED);
        } else if (state.isAbsent()) {
          out[i] = KeyOutcome.failed(KeyOutcome.Failure.USER_NOT_FOUND);
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
   * Per batch: resolves (category, asked version) to the effective version and a derived-key slot,
   * remembering the few distinct pairs a batch has (a linear scan over a handful beats hashing a
   * new key object per item).
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

  /**
   * Loads {@code missing} users from memcached, then Cassandra, into {@code states}; returns the
   * failures. Each user's cache generation is taken before any store is read, so nothing read
   * before a change made here is cached after it.
   */
  private Map<String, KeyOutcome.Failure> load(
      Collection<String> missing, Map<String, UserState> states, BooleanSupplier abandoned) {
    Map<String, KeyOutcome.Failure> failures = new HashMap<>();
    Map<String, Long> generations = new HashMap<>(missing.size() * 2);
    for (String userId : missing) {
      generations.put(userId, users.generation(userId));
    }
    long start = nanoTime.getAsLong();
    Map<String, RootCache.Read> cached = rootCache.getAll(missing, this::lastChange);
    List<String> rest = new ArrayList<>(missing.size());
    for (String userId : missing) {
      RootCache.Read read = cached.getOrDefault(userId, RootCache.Read.MISS);
      if (read.rejected() != null) {
        metrics.memcachedRejected(read.rejected());
      }
      UserState state =
          !read.isHit()
              ? null
              : read.hit().shredded() ? UserState.SHREDDED : unwrapOrNull(read.hit());
      if (state != null) {
        users.putIfUnchanged(userId, state, generations.get(userId));
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
    int notRead = 0;
    for (Map.Entry<String, RootStore.ReadResult> e : store.readAll(rest, abandoned).entrySet()) {
      String userId = e.getKey();
      RootStore.ReadResult result = e.getValue();
      long generation = generations.get(userId);
      if (result.failure().isPresent()) {
        notRead += result.wasAbandoned() ? 1 : 0;
        failures.put(userId, KeyOutcome.Failure.STORE_UNAVAILABLE);
      } else if (result.user().isEmpty()) {
        absent++;
        users.putIfUnchanged(userId, UserState.ABSENT, generation);
        failures.put(userId, KeyOutcome.Failure.USER_NOT_FOUND);
      } else {
        found++;
        StoredUser user = result.user().get();
        RootCache.Read before = cached.getOrDefault(userId, RootCache.Read.MISS);
        if (user.shredded()) {
          users.putIfUnchanged(userId, UserState.SHREDDED, generation);
          states.put(userId, UserState.SHREDDED);
          rootCache.fill(user, before);
          continue;
        }
        UserState state = unwrapOrNull(user);
        if (state == null) {
          failures.put(userId, KeyOutcome.Failure.ROOT_UNREADABLE);
          continue;
        }
        users.putIfUnchanged(userId, state, generation);
        states.put(userId, state);
        rootCache.fill(user, before);
        if (user.masterVersion() != keyring.currentVersion()) {
          rewrapLater(user);
        }
      }
    }
    metrics.cassandra(found, absent, nanoTime.getAsLong() - start);
    metrics.abandoned(notRead);
    return failures;
  }

  /**
   * Queues a lazy rewrap unless one is queued for the user already or the queue is full (a later
   * read retries).
   */
  private void rewrapLater(StoredUser user) {
    if (pendingRewraps.size() >= MAX_PENDING_REWRAPS || !pendingRewraps.add(user.userId())) {
      return;
    }
    try {
      rewraps.execute(
          () -> {
            try {
              rewrapQuietly(user);
            } finally {
              pendingRewraps.remove(user.userId());
            }
          });
    } catch (RejectedExecutionException e) {
      pendingRewraps.remove(user.userId());
    }
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
   * Crypto-shreds the user: the Cassandra row becomes a shredded marker, this instance remembers
   * the user as shredded (and caches nothing it read before), and the memcached entry becomes the
   * shredded marker, written again after {@code secondMarkerDelay}. Idempotent.
   *
   * @throws StoreUnavailableException when Cassandra or memcached cannot be reached (call again: it
   *     is idempotent)
   */
  public void deleteUserKeys(String userId) {
    store.shred(userId);
    users.invalidate(userId, UserState.SHREDDED);
    metrics.shred();
    try {
      recordChange(userId);
    } finally {
      markEverywhere(userId, true);
    }
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
        users.invalidate(userId, null);
        try {
          recordChange(userId);
        } finally {
          markEverywhere(userId, false);
        }
        return;
      case NOT_FOUND:
        throw new KeyServiceException(KeyOutcome.Failure.USER_NOT_FOUND, "the user has no keys");
      default:
        users.invalidate(userId, UserState.SHREDDED);
        throw deleted();
    }
  }

  /**
   * Writes the user's memcached marker now and again after {@code secondMarkerDelay} (the second
   * write also when the first failed: it then is the retry); the first write's failure is thrown.
   */
  private void markEverywhere(String userId, boolean shredded) {
    try {
      mark(userId, shredded);
    } finally {
      scheduleSecondMarker(userId, shredded);
    }
  }

  private void mark(String userId, boolean shredded) {
    if (shredded) {
      rootCache.markShredded(userId);
    } else {
      rootCache.markChanged(userId);
    }
  }

  private void scheduleSecondMarker(String userId, boolean shredded) {
    if (secondMarkerDelay.isZero()) {
      return;
    }
    if (pendingMarkers.size() >= MAX_PENDING_MARKERS) {
      secondMarkerNow(
          userId, shredded); // bounded: written again now rather than queued without bound
      return;
    }
    Object ticket = new Object();
    pendingMarkers.put(ticket, new PendingMarker(userId, shredded));
    try {
      markerWrites.schedule(
          () -> {
            PendingMarker pending = pendingMarkers.remove(ticket);
            if (pending != null) {
              secondMarkerNow(pending.userId(), pending.shredded());
            }
          },
          secondMarkerDelay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing: close() writes what is pending
    }
  }

  private record PendingMarker(String userId, boolean shredded) {}

  private void secondMarkerNow(String userId, boolean shredded) {
    try {
      mark(userId, shredded);
      metrics.secondMarker(true);
    } catch (StoreUnavailableException e) {
      metrics.secondMarker(false);
      log.warn("second memcached marker write after a key change failed: {}", e.getMessage());
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
    return new RotationPage(
        page.users().size(), rewrapped, page.nextPageToken(), keyring.currentVersion());
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
      boolean applied =
          store.rewrap(user.userId(), user.masterVersion(), keyring.currentVersion(), wrapped);
      if (applied) {
        // memcached keeps the entry under the old version until it expires or changes: that version
        // still unwraps
        // until the rotation is complete, and an entry it no longer verifies is replaced from the
        // store.
        metrics.rewrapped(1);
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

  /**
   * Stops the background threads, first making the second marker writes still pending (within about
   * two seconds); the stores are closed by whoever opened them, after this.
   */
  @Override
  public void close() {
    changePoller.shutdownNow();
    markerWrites.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    markerWrites.shutdown(); // a write under way finishes; the delayed ones are made below, now
    rewraps.shutdownNow();
    long deadline = nanoTime.getAsLong() + TimeUnit.SECONDS.toNanos(2);
    for (Object ticket : List.copyOf(pendingMarkers.keySet())) {
      PendingMarker pending = pendingMarkers.remove(ticket);
      if (pending == null) {
        continue;
      }
      if (nanoTime.getAsLong() - deadline > 0) {
        metrics.secondMarker(false);
      } else {
        secondMarkerNow(pending.userId(), pending.shredded());
      }
    }
  }

  /**
   * One page of a master key rotation.
   *
   * @param scanned users scanned
   * @param rewrapped roots rewrapped
   * @param nextPageToken where to resume; empty when done
   * @param currentMasterVersion the master key version roots are wrapped under now
   */
  public record RotationPage(
      int scanned, int rewrapped, String nextPageToken, int currentMasterVersion) {}

  /** Assembles a {@link KeyService}. */
  public static final class Builder {
    /** Users kept in memory by default. */
    public static final long DEFAULT_CACHE_MAX_USERS = 200_000;

    /** How long a user stays in memory by default (the cross-instance staleness bound). */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);

    /** How often the change log is read by default. */
    public static final Duration DEFAULT_CHANGE_POLL_INTERVAL = Duration.ofSeconds(1);

    /** How long "no such user" is remembered by default. */
    public static final Duration DEFAULT_ABSENT_TTL = Duration.ofSeconds(2);

    private RootStore store;
    private RootCache rootCache = RootCache.none();
    private MasterKeyring keyring;
    private Categories categories;
    private PadlockMetrics metrics;
    private LongSupplier nanoTime = System::nanoTime;
    private long cacheMaxUsers = DEFAULT_CACHE_MAX_USERS;
    private Duration cacheTtl = DEFAULT_CACHE_TTL;
    private Duration absentTtl = DEFAULT_ABSENT_TTL;
    private Duration secondMarkerDelay = Duration.ofSeconds(2);
    private Clock clock = Clock.systemUTC();
    private Duration changePollInterval = DEFAULT_CHANGE_POLL_INTERVAL;
    private Duration changeWindow = Duration.ofHours(1);

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

    /**
     * How long a lookup's "no such user" is remembered in memory (a negative cache: a batch of
     * unknown ids costs store reads once, not on every call); a CreateUserKeys on this instance
     * forgets it at once, other instances may answer USER_NOT_FOUND for a user created elsewhere
     * for this long. Zero turns it off.
     */
    public Builder absentTtl(Duration ttl) {
      requireNonNull(ttl, "ttl");
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("absentTtl: " + ttl + " (expected: >= 0)");
      }
      this.absentTtl = ttl;
      return this;
    }

    /** The delay of the second memcached marker write after a shred or block; zero turns it off. */
    public Builder secondMarkerDelay(Duration delay) {
      requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("secondMarkerDelay: " + delay + " (expected: >= 0)");
      }
      this.secondMarkerDelay = delay;
      return this;
    }

    /** The wall clock of the change log (injected by tests). */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How often the change log is read; zero turns it off (then memcached entries are trusted as
     * they are).
     */
    public Builder changePollInterval(Duration interval) {
      requireNonNull(interval, "interval");
      if (interval.isNegative()) {
        throw new IllegalArgumentException("changePollInterval: " + interval + " (expected: >= 0)");
      }
      this.changePollInterval = interval;
      return this;
    }

    /**
     * How long a change is remembered: at least the memcached TTL, so no entry written before a
     * change outlives the memory of it.
     */
    public Builder changeWindow(Duration window) {
      requireNonNull(window, "window");
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("changeWindow: " + window + " (expected: > 0)");
      }
      this.changeWindow = window;
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
