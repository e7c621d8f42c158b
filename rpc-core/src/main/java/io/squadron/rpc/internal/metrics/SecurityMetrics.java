package io.squadron.rpc.internal.metrics;

/** Names of the meters the security stages record (Prometheus adds {@code _total} to counters). */
public final class SecurityMetrics {
  /**
   * Counter of calls rejected by the identity or permission stage, tagged {@code service}, {@code
   * method}, {@code caller} ({@code unknown} when unauthenticated) and {@code reason} ({@code
   * UNAUTHENTICATED_CALLER}, {@code CALLER_NOT_ALLOWED}).
   */
  public static final String DENIED = "squadron.rpc.server.denied";

  /**
   * Counter of calls rejected by the rate-limit stage, tagged {@code service}, {@code method} and
   * {@code caller}.
   */
  public static final String RATE_LIMITED = "squadron.rpc.server.rate.limited";

  private SecurityMetrics() {}
}
