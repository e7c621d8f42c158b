package io.squadron.rpc.internal.ratelimit;

/**
 * A token-bucket threshold: {@code rate} tokens per second refill a bucket holding at most {@code
 * burst}; every call takes one. Per instance.
 *
 * @param rate sustained calls per second, 0.001 .. 1e9
 * @param burst calls allowed at once after a quiet period, 1 .. 1,000,000
 */
public record RateLimit(double rate, int burst) {
  /**
   * The platform default for every (caller, method) pair: 100 calls/s sustained, bursts of 200, per
   * instance.
   */
  public static final RateLimit DEFAULT = new RateLimit(100, 200);

  public RateLimit {
    if (!(rate >= 0.001 && rate <= 1e9)) {
      throw new IllegalArgumentException("rate: " + rate + " (expected: 0.001..1e9 per second)");
    }
    if (burst < 1 || burst > 1_000_000) {
      throw new IllegalArgumentException("burst: " + burst + " (expected: 1..1000000)");
    }
  }

  /** Nanoseconds between two tokens (at least 1). */
  long intervalNanos() {
    return Math.max(1L, Math.round(1e9 / rate));
  }
}
