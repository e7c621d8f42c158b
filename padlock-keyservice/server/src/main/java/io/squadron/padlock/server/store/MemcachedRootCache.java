package io.squadron.padlock.server.store;

import static java.util.Objects.requireNonNull;

import io.squadron.store.StoreUnavailableException;
import io.squadron.store.memcached.MemcachedSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.spy.memcached.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import net.spy.memcached.FailureMode;
import net.spy.memcached.MemcachedClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memcached tier (spymemcached, binary protocol). Keys are the prefix plus the URL-safe Base64 of SHA-256 of the
 * user id, so user ids never appear in memcached and any id fits its key rules. Operations to a server that is down
 * are cancelled at once ({@link FailureMode#Cancel}) and count as misses; reads never wait longer than the op timeout.
 */
public final class MemcachedRootCache implements RootCache {
  private static final Logger log = LoggerFactory.getLogger(MemcachedRootCache.class);

  private final MemcachedClient client;
  private final MemcachedSettings settings;
  private final int ttlSeconds;

  private MemcachedRootCache(MemcachedClient client, MemcachedSettings settings, Duration ttl) {
    this.client = client;
    this.settings = settings;
    this.ttlSeconds = (int) ttl.getSeconds();
  }

  /**
   * A client for {@code settings} whose entries live {@code ttl} (connects in the background; a server that is down
   * is not an error here).
   */
  public static MemcachedRootCache connect(MemcachedSettings settings, Duration ttl) {
    requireNonNull(settings, "settings");
    requireNonNull(ttl, "ttl");
    if (settings.addresses().isEmpty()) {
      throw new IllegalArgumentException("memcached addresses: empty (expected: at least one host:port)");
    }
    if (ttl.getSeconds() < 1 || ttl.getSeconds() > 30L * 24 * 3600) {
      throw new IllegalArgumentException("ttl: " + ttl + " (expected: 1s..30d)");
    }
    ConnectionFactoryBuilder factory = new ConnectionFactoryBuilder()
        .setProtocol(ConnectionFactoryBuilder.Protocol.BINARY)
        .setOpTimeout(Math.max(1, settings.opTimeout().toMillis()))
        .setFailureMode(FailureMode.Cancel)
        .setMaxReconnectDelay(2)
        .setDaemon(true);
    try {
      MemcachedClient client = new MemcachedClient(factory.build(),
          AddrUtil.getAddresses(String.join(" ", settings.addresses())));
      return new MemcachedRootCache(client, settings, ttl);
    } catch (IOException e) {
      throw new UncheckedIOException("memcached client for " + settings.addresses(), e);
    }
  }

  @Override
  public Map<String, StoredUser> getAll(Collection<String> userIds) {
    if (userIds.isEmpty()) {
      return Map.of();
    }
    Map<String, String> byKey = new HashMap<>();
    for (String userId : userIds) {
      byKey.put(key(userId), userId);
    }
    Map<String, Object> values;
    try {
      values = client.getBulk(byKey.keySet());
    } catch (RuntimeException e) {
      log.debug("memcached get failed: {}", e.getClass().getSimpleName());
      return Map.of();
    }
    Map<String, StoredUser> found = new HashMap<>();
    values.forEach((key, value) -> {
      String userId = byKey.get(key);
      if (userId != null) {
        RootCodec.decode(userId, value).ifPresent(user -> found.put(userId, user));
      }
    });
    return found;
  }

  @Override
  public void put(StoredUser user) {
    try {
      client.set(key(user.userId()), ttlSeconds, RootCodec.encode(user));
    } catch (RuntimeException e) {
      log.debug("memcached set failed: {}", e.getClass().getSimpleName());
    }
  }

  @Override
  public void delete(String userId) {
    try {
      Boolean done = client.delete(key(userId)).get(settings.opTimeout().toMillis(), TimeUnit.MILLISECONDS);
      if (done == null) {
        throw new StoreUnavailableException("memcached", "delete", null);
      }
      // false means "not cached": fine.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("memcached", "delete", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
        | RuntimeException e) {
      throw new StoreUnavailableException("memcached", "delete", e);
    }
  }

  /** The memcached key of {@code userId}. */
  String key(String userId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8));
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
