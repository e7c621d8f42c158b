package io.squadron.padlock.client;

import static java.util.Objects.requireNonNull;

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.squadron.proto.padlock.v1.BlockCategoryRequest;
import io.squadron.proto.padlock.v1.CompactDerivedKeys;
import io.squadron.proto.padlock.v1.CreateUserKeysRequest;
import io.squadron.proto.padlock.v1.DeleteUserKeysRequest;
import io.squadron.proto.padlock.v1.DerivedKeyItem;
import io.squadron.proto.padlock.v1.DerivedKeyResult;
import io.squadron.proto.padlock.v1.GetDerivedKeysRequest;
import io.squadron.proto.padlock.v1.GetDerivedKeysResponse;
import io.squadron.proto.padlock.v1.PadlockErrorReason;
import io.squadron.proto.padlock.v1.PadlockServiceGrpc;
import io.squadron.proto.padlock.v1.UnblockCategoryRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Padlock's client: derived keys of users, looked up in batches and cached briefly.
 *
 * <p>It takes a {@link Channel} and never builds or closes one (whoever creates a channel closes
 * it; normally rpc-core's {@code ChannelFactory}, which also gives mutual TLS, the caller identity
 * Padlock binds keys to, and load balancing). It never retries: a failed lookup is reported at once
 * ({@link PadlockKeyException}), and the caller decides.
 *
 * <p><b>Cache and crypto-shredding.</b> Keys are cached for at most {@link Builder#cacheTtl}
 * (default {@value Builder#DEFAULT_CACHE_TTL_SECONDS} s), at most {@link Builder#cacheMaxEntries}
 * entries. That TTL is the documented bound on how long after a user's keys are deleted
 * <i>elsewhere</i> this process may still open that user's data (plus Padlock's own server cache
 * TTL when the shred went through another Padlock instance). Failures are never cached. {@link
 * #deleteUserKeys} through this client forgets the user here at once, and a fetch of that user in
 * flight at the time caches nothing (it may still return its keys to its own caller: it raced the
 * shred).
 */
public final class PadlockClient implements KeySource {
  private final PadlockServiceGrpc.PadlockServiceBlockingStub stub;
  private final Duration deadline;
  private final int maxBatch;
  private final Cache<KeyRef, DerivedKey> cache;
  // One counter per stripe of users, bumped by every change made through this client (delete,
  // block, unblock): a
  // fetch that was in flight during a change must not leave what it fetched in the cache.
  private final AtomicLongArray generations = new AtomicLongArray(STRIPES);
  private static final int STRIPES = 256;
  private static final int KEY_LENGTH = 32;

  private PadlockClient(Builder b) {
    this.stub = PadlockServiceGrpc.newBlockingStub(b.channel);
    this.deadline = b.deadline;
    this.maxBatch = b.maxBatch;
    LongSupplier nanos = b.nanoTime;
    this.cache =
        CacheBuilder.newBuilder()
            .maximumSize(b.cacheMaxEntries)
            .expireAfterWrite(b.cacheTtl)
            .ticker(
                new Ticker() {
                  @Override
                  public long read() {
                    return nanos.getAsLong();
                  }
                })
            .build();
  }

  /** A builder over {@code channel} (to the {@code padlock} service). */
  public static Builder builder(Channel channel) {
    return new Builder(channel);
  }

  @Override
  public DerivedKey currentKey(String userId, String category) {
    return one(KeyRef.current(userId, category));
  }

  @Override
  public DerivedKey key(String userId, String category, int version) {
    if (version < 1) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 1)");
    }
    return one(new KeyRef(userId, category, version));
  }

  private DerivedKey one(KeyRef ref) {
    DerivedKey cached = cache.getIfPresent(ref);
    return cached != null ? cached : keys(List.of(ref)).get(ref).key();
  }

  /**
   * Looks up many keys: cached ones from memory, the rest in as few GetDerivedKeys calls as {@code
   * max-batch} allows. Each ref has its own result; one deleted or blocked user does not fail the
   * others. A call that fails as a whole (Padlock unreachable, deadline) fails every ref it
   * carried.
   */
  public Map<KeyRef, KeyResult> keys(Collection<KeyRef> refs) {
    requireNonNull(refs, "refs");
    Map<KeyRef, KeyResult> results = new LinkedHashMap<>();
    Set<KeyRef> missing = new LinkedHashSet<>();
    for (KeyRef ref : refs) {
      DerivedKey cached = cache.getIfPresent(ref);
      if (cached != null) {
        results.put(ref, KeyResult.ok(cached));
      } else {
        missing.add(ref);
      }
    }
    List<KeyRef> wanted = new ArrayList<>(missing);
    for (int from = 0; from < wanted.size(); from += maxBatch) {
      fetch(wanted.subList(from, Math.min(wanted.size(), from + maxBatch)), results);
    }
    Map<KeyRef, KeyResult> ordered = new LinkedHashMap<>();
    for (KeyRef ref : refs) {
      ordered.put(ref, results.get(ref));
    }
    return ordered;
  }

  private void fetch(List<KeyRef> batch, Map<KeyRef, KeyResult> results) {
    long[] generationsBefore = new long[batch.size()];
    // Compact answers cost the server (and this client) a tenth of the encoding; a server that
    // predates them ignores
    // the flag and answers per item, which is read as well.
    GetDerivedKeysRequest.Builder request =
        GetDerivedKeysRequest.newBuilder().setCompactResponse(true);
    for (int i = 0; i < batch.size(); i++) {
      generationsBefore[i] = generations.get(stripe(batch.get(i).userId()));
    }
    for (KeyRef ref : batch) {
      request.addItems(
          DerivedKeyItem.newBuilder()
              .setUserId(ref.userId())
              .setCategory(ref.category())
              .setKeyVersion(ref.version()));
    }
    GetDerivedKeysResponse response;
    try {
      response =
          stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
              .getDerivedKeys(request.build());
    } catch (StatusRuntimeException e) {
      PadlockKeyException failure = toException(e);
      for (KeyRef ref : batch) {
        results.put(ref, KeyResult.failed(failure));
      }
      return;
    }
    int answered =
        response.hasCompact()
            ? response.getCompact().getKeyVersionsCount()
            : response.getResultsCount();
    if (answered != batch.size()
        || (response.hasCompact()
            && response.getCompact().getKeys().size() != batch.size() * KEY_LENGTH)) {
      PadlockKeyException failure =
          new PadlockKeyException(
              PadlockKeyException.Reason.OTHER,
              Status.Code.INTERNAL,
              "padlock answered " + answered + " results for " + batch.size() + " items");
      batch.forEach(ref -> results.put(ref, KeyResult.failed(failure)));
      return;
    }
    Map<Integer, com.google.rpc.Status> compactFailures = new HashMap<>();
    if (response.hasCompact()) {
      response
          .getCompact()
          .getFailuresList()
          .forEach(f -> compactFailures.put(f.getIndex(), f.getStatus()));
    }
    for (int i = 0; i < batch.size(); i++) {
      KeyRef ref = batch.get(i);
      DerivedKeyResult result =
          response.hasCompact()
              ? compactResult(response.getCompact(), compactFailures, i)
              : response.getResults(i);
      if (result.hasStatus() && result.getStatus().getCode() != Status.Code.OK.value()) {
        results.put(ref, KeyResult.failed(toException(result.getStatus())));
        continue;
      }
      DerivedKey key;
      try {
        key = DerivedKey.of(ref.category(), result.getKeyVersion(), result.getKey().toByteArray());
      } catch (IllegalArgumentException e) {
        results.put(
            ref,
            KeyResult.failed(
                new PadlockKeyException(
                    PadlockKeyException.Reason.OTHER,
                    Status.Code.INTERNAL,
                    "padlock answered a malformed key: " + e.getMessage())));
        continue;
      }
      results.put(ref, KeyResult.ok(key));
      cacheUnlessChanged(ref, key, generationsBefore[i]);
    }
  }

  /** Item {@code i} of a compact answer in the per-item form. */
  private static DerivedKeyResult compactResult(
      CompactDerivedKeys compact, Map<Integer, com.google.rpc.Status> failures, int i) {
    com.google.rpc.Status failure = failures.get(i);
    if (failure != null) {
      return DerivedKeyResult.newBuilder().setStatus(failure).build();
    }
    return DerivedKeyResult.newBuilder()
        .setKeyVersion(compact.getKeyVersions(i))
        .setKey(compact.getKeys().substring(i * KEY_LENGTH, (i + 1) * KEY_LENGTH))
        .build();
  }

  /**
   * Caches a fetched key unless its user changed through this client since the fetch began. Put
   * first, then check: a change bumps the generation before it invalidates, so either the
   * invalidation removes this entry or the check sees the bump and removes it here.
   */
  private void cacheUnlessChanged(KeyRef ref, DerivedKey key, long generationBefore) {
    int stripe = stripe(ref.userId());
    if (generations.get(stripe) != generationBefore) {
      return;
    }
    KeyRef versioned =
        ref.version() == 0 ? new KeyRef(ref.userId(), ref.category(), key.version()) : null;
    cache.put(ref, key);
    if (versioned != null) {
      cache.put(versioned, key);
    }
    if (generations.get(stripe) != generationBefore) {
      cache.asMap().remove(ref, key);
      if (versioned != null) {
        cache.asMap().remove(versioned, key);
      }
    }
  }

  private static int stripe(String userId) {
    int h = userId.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  /**
   * Creates the user's keys (normally at sign-up).
   *
   * @return true when created now, false when they existed
   * @throws PadlockKeyException KEYS_DELETED when the user was shredded, or the call's failure
   */
  public boolean createUserKeys(String userId) {
    try {
      return stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
          .createUserKeys(CreateUserKeysRequest.newBuilder().setUserId(userId).build())
          .getCreated();
    } catch (StatusRuntimeException e) {
      throw toException(e);
    }
  }

  /**
   * Crypto-shreds the user and forgets the user's keys in this client's cache. Idempotent.
   *
   * @throws PadlockKeyException when the call fails (call again)
   */
  public void deleteUserKeys(String userId) {
    invalidate(userId);
    try {
      stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
          .deleteUserKeys(DeleteUserKeysRequest.newBuilder().setUserId(userId).build());
    } catch (StatusRuntimeException e) {
      throw toException(e);
    } finally {
      invalidate(userId);
    }
  }

  /** Blocks a category of the user and forgets the user's cached keys. */
  public void blockCategory(String userId, String category) {
    try {
      stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
          .blockCategory(
              BlockCategoryRequest.newBuilder().setUserId(userId).setCategory(category).build());
    } catch (StatusRuntimeException e) {
      throw toException(e);
    } finally {
      invalidate(userId);
    }
  }

  /** Unblocks a category of the user. */
  public void unblockCategory(String userId, String category) {
    try {
      stub.withDeadlineAfter(deadline.toNanos(), TimeUnit.NANOSECONDS)
          .unblockCategory(
              UnblockCategoryRequest.newBuilder().setUserId(userId).setCategory(category).build());
    } catch (StatusRuntimeException e) {
      throw toException(e);
    } finally {
      invalidate(userId);
    }
  }

  /**
   * Forgets every cached key of {@code userId}, including keys of fetches in flight now (O(cache
   * size); for rare events such as a shred).
   */
  public void invalidate(String userId) {
    generations.incrementAndGet(stripe(userId));
    cache.asMap().keySet().removeIf(ref -> ref.userId().equals(userId));
  }

  /** Forgets every cached key. */
  public void invalidateAll() {
    cache.invalidateAll();
  }

  static PadlockKeyException toException(StatusRuntimeException e) {
    com.google.rpc.Status status = StatusProto.fromThrowable(e);
    if (status != null) {
      return toException(status);
    }
    Status s = e.getStatus();
    return new PadlockKeyException(
        reasonOf(s.getCode(), ""),
        s.getCode(),
        "padlock call failed: "
            + s.getCode()
            + (s.getDescription() == null ? "" : ": " + s.getDescription()));
  }

  static PadlockKeyException toException(com.google.rpc.Status status) {
    Status.Code code = Status.fromCodeValue(status.getCode()).getCode();
    String reason = "";
    for (Any detail : status.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          reason = detail.unpack(ErrorInfo.class).getReason();
        } catch (InvalidProtocolBufferException ignored) {
          // no reason then
        }
      }
    }
    return new PadlockKeyException(reasonOf(code, reason), code, status.getMessage());
  }

  /**
   * The Padlock reason named by an ErrorInfo reason, or UNRECOGNIZED (a platform reason, or a newer
   * server's).
   */
  private static PadlockErrorReason padlockReason(String reason) {
    for (PadlockErrorReason r : PadlockErrorReason.values()) {
      if (r != PadlockErrorReason.UNRECOGNIZED && r.name().equals(reason)) {
        return r;
      }
    }
    return PadlockErrorReason.UNRECOGNIZED;
  }

  private static PadlockKeyException.Reason reasonOf(Status.Code code, String reason) {
    switch (padlockReason(reason)) {
      case KEYS_DELETED:
        return PadlockKeyException.Reason.KEYS_DELETED;
      case USER_KEYS_NOT_FOUND:
        return PadlockKeyException.Reason.USER_KEYS_NOT_FOUND;
      case CATEGORY_BLOCKED:
        return PadlockKeyException.Reason.CATEGORY_BLOCKED;
      default:
        break;
    }
    switch (code) {
      case INVALID_ARGUMENT:
        return PadlockKeyException.Reason.INVALID;
      case UNAVAILABLE:
      case DEADLINE_EXCEEDED:
      case RESOURCE_EXHAUSTED:
        return PadlockKeyException.Reason.UNAVAILABLE;
      default:
        return PadlockKeyException.Reason.OTHER;
    }
  }

  /** Assembles a {@link PadlockClient}. */
  public static final class Builder {
    /** Default cache TTL in seconds. */
    public static final long DEFAULT_CACHE_TTL_SECONDS = 10;

    /** Default cache size. */
    public static final long DEFAULT_CACHE_MAX_ENTRIES = 100_000;

    /** Default items per GetDerivedKeys call. */
    public static final int DEFAULT_MAX_BATCH = 1000;

    /** Default deadline of each call. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMillis(500);

    private final Channel channel;
    private Duration cacheTtl = Duration.ofSeconds(DEFAULT_CACHE_TTL_SECONDS);
    private long cacheMaxEntries = DEFAULT_CACHE_MAX_ENTRIES;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private Duration deadline = DEFAULT_DEADLINE;
    private LongSupplier nanoTime = System::nanoTime;

    private Builder(Channel channel) {
      this.channel = requireNonNull(channel, "channel");
    }

    /** Applies settings read from config. */
    public Builder settings(PadlockClientSettings settings) {
      requireNonNull(settings, "settings");
      return cacheTtl(settings.cacheTtl())
          .cacheMaxEntries(settings.cacheMaxEntries())
          .maxBatch(settings.maxBatch())
          .deadline(settings.deadline());
    }

    /**
     * How long a key stays cached: the bound on using a key after its user was shredded elsewhere.
     */
    public Builder cacheTtl(Duration ttl) {
      requireNonNull(ttl, "ttl");
      if (ttl.isNegative()) {
        throw new IllegalArgumentException(
            "cacheTtl: " + ttl + " (expected: >= 0; 0 turns caching off)");
      }
      this.cacheTtl = ttl;
      return this;
    }

    /** How many keys the cache holds at most (0 turns caching off). */
    public Builder cacheMaxEntries(long max) {
      if (max < 0) {
        throw new IllegalArgumentException("cacheMaxEntries: " + max + " (expected: >= 0)");
      }
      this.cacheMaxEntries = max;
      return this;
    }

    /** Items per GetDerivedKeys call (Padlock's limit is 10,000). */
    public Builder maxBatch(int max) {
      if (max < 1 || max > 10_000) {
        throw new IllegalArgumentException("maxBatch: " + max + " (expected: 1..10000)");
      }
      this.maxBatch = max;
      return this;
    }

    /** The deadline of each call. */
    public Builder deadline(Duration deadline) {
      requireNonNull(deadline, "deadline");
      if (deadline.isNegative() || deadline.isZero()) {
        throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
      }
      this.deadline = deadline;
      return this;
    }

    /** The clock of cache expiry (tests move a fake one). */
    public Builder nanoTime(LongSupplier nanoTime) {
      this.nanoTime = requireNonNull(nanoTime, "nanoTime");
      return this;
    }

    /** Builds the client. */
    public PadlockClient build() {
      return new PadlockClient(this);
    }
  }
}
