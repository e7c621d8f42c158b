package io.squadron.store.memcached;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a service's memcached servers are and how it names its keys: {@code
 * squadron.stores.memcached} (defaults and documentation in this module's {@code reference.conf}).
 * Tools ({@code squadron up}, tests) fill {@code addresses} and {@code key-prefix} from the
 * service's descriptor. The client itself is the service's (what it caches, for how long, and what
 * a miss means are its own).
 *
 * @param addresses {@code host:port} of each server, in the order a client hashes over them; may be
 *     empty (no memcached configured)
 * @param keyPrefix prepended to every key, so services (and tests) share servers without sharing
 *     keys
 * @param opTimeout how long one operation may take before it counts as failed
 */
public record MemcachedSettings(List<String> addresses, String keyPrefix, Duration opTimeout) {
  /** {@code squadron.stores.memcached}. */
  public static final String PATH = "squadron.stores.memcached";

  private static final Pattern HOST_PORT =
      Pattern.compile("[^\\s:,\\[\\]]+:\\d{1,5}|\\[[0-9A-Fa-f:.]+\\]:\\d{1,5}");

  /** Validates and copies. */
  public MemcachedSettings {
    addresses = List.copyOf(requireNonNull(addresses, "addresses"));
    requireNonNull(keyPrefix, "keyPrefix");
    requireNonNull(opTimeout, "opTimeout");
    for (String address : addresses) {
      int port =
          HOST_PORT.matcher(address).matches()
              ? Integer.parseInt(address.substring(address.lastIndexOf(':') + 1))
              : -1;
      if (port < 1 || port > 65_535) {
        throw new IllegalArgumentException(
            "addresses: '" + address + "' (expected: host:port, port 1..65535)");
      }
    }
    if (keyPrefix.length() > 64 || keyPrefix.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
      throw new IllegalArgumentException(
          "keyPrefix: at most 64 printable ASCII characters without spaces");
    }
    if (opTimeout.isZero() || opTimeout.isNegative()) {
      throw new IllegalArgumentException("opTimeout: " + opTimeout + " (expected: > 0)");
    }
  }

  /**
   * Reads {@value #PATH}: {@code addresses} is a string of {@code host:port} separated by commas or
   * spaces (the form of {@code SQUADRON_MEMCACHED}).
   *
   * @throws InvalidConfigException naming the bad key
   */
  public static MemcachedSettings from(Config root) {
    ConfigReader m = ConfigReader.at(root, PATH);
    String addresses = m.string("addresses").trim();
    List<String> list = addresses.isEmpty() ? List.of() : List.of(addresses.split("[,\\s]+"));
    String prefix = m.string("key-prefix");
    Duration opTimeout = m.positiveDuration("op-timeout");
    try {
      return new MemcachedSettings(list, prefix, opTimeout);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          m.key(e.getMessage().startsWith("keyPrefix") ? "key-prefix" : "addresses"),
          e.getMessage());
    }
  }

  /** A copy with another key prefix. */
  public MemcachedSettings withKeyPrefix(String prefix) {
    return new MemcachedSettings(addresses, prefix, opTimeout);
  }
}
