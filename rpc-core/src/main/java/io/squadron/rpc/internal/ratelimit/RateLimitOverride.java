package io.squadron.rpc.internal.ratelimit;

import static java.util.Objects.requireNonNull;

import io.squadron.rpc.security.SpiffeId;

/**
 * A limit agreed for one caller, on one method ({@code pkg.Service/Method}), all methods of one
 * service ({@code pkg.Service}) or everything ({@code *}). The most specific override wins; without
 * one, the default applies.
 *
 * @param caller a service name or {@code app:<name>}
 * @param target a method, a service, or {@code *}
 * @param limit the threshold for that caller there
 */
public record RateLimitOverride(String caller, String target, RateLimit limit) {
  /** The target matching every method. */
  public static final String ANY = "*";

  public RateLimitOverride {
    if (!SpiffeId.isValidCaller(caller)) {
      throw new IllegalArgumentException(
          "caller: '" + caller + "' (expected: a service name or app:<name>)");
    }
    requireNonNull(target, "target");
    if (target.isBlank()) {
      throw new IllegalArgumentException(
          "method: empty (expected: pkg.Service/Method, pkg.Service or *)");
    }
    requireNonNull(limit, "limit");
  }
}
