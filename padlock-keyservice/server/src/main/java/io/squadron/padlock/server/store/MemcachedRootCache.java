package io.squadron.padlock.server.store;

import static java.util.Objects.requireNonNull;

import io.squadron.padlock.server.crypto.EntryAuthenticator;
import io.squadron.store.StoreUnavailableException;
import io.squadron.store.memcached.MemcachedSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.CASValue;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memcached tier (spymemcached, binary protocol). Keys are the prefix plus the URL-safe Base64
 * of SHA-256 of the user id, so user ids never appear in memcached and any id fits its key rules.
 * Values are {@link RootCodec} format 2, authenticated under a key derived from the master key; a
 * value that does not verify is never used, and is replaced by compare-and-set with what the store
 * says. Operations to a server that is down are cancelled at once ({@link FailureMode#Cancel}) and
 * count as misses; reads never wait longer than the op timeout.
 */
public final class MemcachedRootCache implements RootCache {
  private static final Logger log = LoggerFactory.getLogger(MemcachedRootCache.class);

  /** How long a marker write may take at least, whatever the op timeout of reads. */
  static final Duration MARKER_TIMEOUT = Duration.ofSeconds(1);

  /**
   * The longest entry TTL: the change log keeps changes two days, entries must expire well before.
   */
  public static final long MAX_TTL_SECONDS = 24L * 3600;

  private final MemcachedClient client;
  private final MemcachedSettings settings;
  private final int ttlSeconds;
  private final EntryAuthenticator auth;
  private final Clock clock;

  private MemcachedRootCache(
      MemcachedClient client,
      MemcachedSettings settings,
      Duration ttl,
      EntryAuthenticator auth,
      Clock clock) {
    this.client = client;
    this.settings = settings;
    this.ttlSeconds = (int) ttl.getSeconds();
    this.auth = auth;
    this.clock = clock;
  }

  /**
   * A client for {@code settings} whose entries live {@code ttl}, tagged by {@code auth}, expiring
   * by {@code clock} (connects in the background; a server that is down is not an error here).
   */
  public static MemcachedRootCache connect(
      MemcachedSettings settings, Duration ttl, EntryAuthenticator auth, Clock clock) {
    requireNonNull(settings, "settings");
    requireNonNull(ttl, "ttl");
    requireNonNull(auth, "auth");
    requireNonNull(clock, "clock");
    if (settings.addresses().isEmpty()) {
      throw new IllegalArgumentException(
          "memcached addresses: empty (expected: at least one host:port)");
    }
    if (ttl.getSeconds() < 1 || ttl.getSeconds() > MAX_TTL_SECONDS) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: 1s..1d)");
    }
    ConnectionFactoryBuilder factory =
        new ConnectionFactoryBuilder()
            .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
            // The client-wide timeout is the markers' (a shred waits for its marker); reads bound
            // themselves to the
            // op timeout below and count what did not come back in time as misses.
            .setOpTimeout(Math.max(settings.opTimeout().toMillis(), MARKER_TIMEOUT.toMillis()))
            .setFailureMode(FailureMode.Cancel)
            .setMaxReconnectDelay(2)
            .setDaemon(true);
    try {
      MemcachedClient client =
          new MemcachedClient(
              factory.build(), AddrUtil.getAddresses(String.join(" ", settings.addresses())));
      return new MemcachedRootCache(client, settings, ttl, auth, clock);
    } catch (IOException e) {
      throw new UncheckedIOException("memcached client for " + settings.addresses(), e);
    }
  }

  @Override
  public Map<String, Read> getAll(
      Collection<String> userIds, ToLongFunction<String> lastChangeMillis) {
    Map<String, Read> reads = new HashMap<>();
    if (userIds.isEmpty()) {
      return reads;
    }
    Map<String, String> byKey = new HashMap<>();
    for (String userId : userIds) {
      byKey.put(key(userId), userId);
      reads.put(userId, Read.MISS);
    }
    Map<String, Object> values;
    try {
      // What arrived within the op timeout; the rest are misses.
      values =
          client
              .asyncGetBulk(byKey.keySet())
              .getSome(settings.opTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return reads;
    } catch (ExecutionException | RuntimeException e) {
      log.debug("memcached get failed: {}", e.getClass().getSimpleName());
      return reads;
    }
    long now = clock.millis() / 1000;
    Map<String, RootCodec.Rejection> unusable = new HashMap<>();
    values.forEach(
        (key, value) -> {
          String userId = byKey.get(key);
          if (userId == null) {
            return;
          }
          RootCodec.Decoded decoded = RootCodec.decode(userId, value, auth, now);
          if (decoded.kind() == RootCodec.Kind.LIVE
              && decoded.writtenAtMillis() <= lastChangeMillis.applyAsLong(userId)) {
            decoded = RootCodec.Decoded.rejected(RootCodec.Rejection.STALE);
          }
          if (decoded.user() != null) {
            reads.put(userId, new Read(decoded.user(), 0, null));
          } else {
            unusable.put(key, decoded.rejection());
          }
        });
    if (!unusable.isEmpty()) {
      // Present but not usable (a changed marker, or a value that does not verify): its CAS token,
      // taken before the
      // store is read, lets the fill replace exactly this value and nothing written after it.
      Map<String, Future<CASValue<Object>>> gets = new HashMap<>();
      unusable.keySet().forEach(key -> gets.put(key, client.asyncGets(key)));
      gets.forEach(
          (key, future) -> {
            RootCodec.Rejection why = unusable.get(key);
            long cas = 0;
            try {
              CASValue<Object> v =
                  future.get(settings.opTimeout().toMillis(), TimeUnit.MILLISECONDS);
              cas = v == null ? 0 : v.getCas();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
              log.debug("memcached gets failed: {}", e.getClass().getSimpleName());
              future.cancel(false);
            }
            reads.put(byKey.get(key), new Read(null, cas, why == null ? null : why.name()));
          });
    }
    return reads;
  }

  @Override
  public void fill(StoredUser user, Read before) {
    long now = clock.millis();
    long expiresAt = now / 1000 + ttlSeconds;
    byte[] value =
        user.shredded()
            ? RootCodec.marker(user.userId(), RootCodec.Kind.SHREDDED, now, expiresAt, auth)
            : RootCodec.live(user, now, expiresAt, auth);
    try {
      if (before.cas() != 0) {
        client.asyncCAS(key(user.userId()), before.cas(), ttlSeconds, value);
      } else {
        client.add(key(user.userId()), ttlSeconds, value);
      }
    } catch (RuntimeException e) {
      log.debug("memcached fill failed: {}", e.getClass().getSimpleName());
    }
  }

  @Override
  public void markShredded(String userId) {
    mark(userId, RootCodec.Kind.SHREDDED, "mark shredded");
  }

  @Override
  public void markChanged(String userId) {
    mark(userId, RootCodec.Kind.CHANGED, "mark changed");
  }

  private void mark(String userId, RootCodec.Kind kind, String operation) {
    long now = clock.millis();
    byte[] value = RootCodec.marker(userId, kind, now, now / 1000 + ttlSeconds, auth);
    try {
      // A marker is what a shred or block waits for: it may take longer than a read may (a read
      // falls back to the
      // store; a marker that times out fails the change, and the caller must call again).
      long wait = Math.max(settings.opTimeout().toMillis(), MARKER_TIMEOUT.toMillis());
      Boolean done = client.set(key(userId), ttlSeconds, value).get(wait, TimeUnit.MILLISECONDS);
      if (done == null || !done) {
        throw new StoreUnavailableException("memcached", operation, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("memcached", operation, e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (e instanceof StoreUnavailableException s) {
        throw s;
      }
      throw new StoreUnavailableException("memcached", operation, e);
    }
  }

  /** The memcached key of {@code userId}. */
  String key(String userId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
      return settings.keyPrefix() + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JDK", e);
    }
  }

  /** The memcached servers' addresses. */
  public List<String> addresses() {
    return new ArrayList<>(settings.addresses());
  }

  @Override
  public void close() {
    client.shutdown(1, TimeUnit.SECONDS);
  }
}
