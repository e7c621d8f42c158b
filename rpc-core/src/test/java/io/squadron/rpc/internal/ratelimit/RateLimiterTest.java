package io.squadron.rpc.internal.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.config.InvalidConfigException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final String SVC = "squadron.shuffle.v1.ShuffleService";
  private static final String METHOD = SVC + "/Shuffle";

  private final AtomicLong clock = new AtomicLong(42);

  @Test
  void defaultLimit_appliesToEveryPairSeparately() {
    RateLimiter limiter = new RateLimiter(RateLimitSettings.of(new RateLimit(1, 2)), clock::get);

    assertThat(limiter.tryAcquire("checkout", METHOD, SVC)).isZero();
    assertThat(limiter.tryAcquire("checkout", METHOD, SVC)).isZero();
    assertThat(limiter.tryAcquire("checkout", METHOD, SVC)).isPositive();
    assertThat(limiter.tryAcquire("billing", METHOD, SVC)).isZero();
    assertThat(limiter.tryAcquire("checkout", SVC + "/Other", SVC)).isZero();
    assertThat(limiter.bucketCount()).isEqualTo(3);
  }

  @Test
  void overrides_mostSpecificWins_otherCallersKeepTheDefault() {
    RateLimit method = new RateLimit(1000, 1000);
    RateLimit service = new RateLimit(500, 500);
    RateLimit any = new RateLimit(200, 200);
    RateLimitSettings settings =
        RateLimitSettings.of(RateLimit.DEFAULT)
            .withOverride(new RateLimitOverride("checkout", METHOD, method))
            .withOverride(new RateLimitOverride("checkout", SVC, service))
            .withOverride(new RateLimitOverride("app:ios", "*", any));
    RateLimiter limiter = new RateLimiter(settings, clock::get);

    assertThat(limiter.limitFor("checkout", METHOD, SVC)).isEqualTo(method);
    assertThat(limiter.limitFor("checkout", SVC + "/Other", SVC)).isEqualTo(service);
    assertThat(limiter.limitFor("checkout", "other.Service/M", "other.Service"))
        .isEqualTo(RateLimit.DEFAULT);
    assertThat(limiter.limitFor("app:ios", METHOD, SVC)).isEqualTo(any);
    assertThat(limiter.limitFor("billing", METHOD, SVC)).isEqualTo(RateLimit.DEFAULT);
  }

  @Test
  void idleBuckets_expire_soMemoryStaysBounded() {
    RateLimitSettings settings =
        new RateLimitSettings(new RateLimit(100, 10), List.of(), Duration.ofSeconds(60));
    RateLimiter limiter = new RateLimiter(settings, clock::get);
    for (int i = 0; i < 1000; i++) {
      limiter.tryAcquire("caller-" + i, METHOD, SVC);
    }
    assertThat(limiter.bucketCount()).isEqualTo(1000);

    clock.addAndGet(Duration.ofSeconds(61).toNanos());
    limiter.tryAcquire("checkout", METHOD, SVC);

    assertThat(limiter.bucketCount()).isEqualTo(1);
  }

  @Test
  void busyBuckets_survivetheSweep() {
    RateLimitSettings settings =
        new RateLimitSettings(new RateLimit(1, 1), List.of(), Duration.ofSeconds(10));
    RateLimiter limiter = new RateLimiter(settings, clock::get);
    for (int s = 0; s <= 20; s++) {
      limiter.tryAcquire("busy", METHOD, SVC);
      if (s == 0) {
        limiter.tryAcquire("quiet", METHOD, SVC);
      }
      clock.addAndGet(Duration.ofSeconds(1).toNanos());
    }
    assertThat(limiter.bucketCount()).isEqualTo(1);
  }

  @Test
  void settingsFromConfig_defaultsAndOverrides() {
    RateLimitSettings defaults =
        RateLimitSettings.from(ConfigLoader.withOverrides(ConfigFactory.empty()));
    assertThat(defaults.defaultLimit()).isEqualTo(RateLimit.DEFAULT);
    assertThat(defaults.overrides()).isEmpty();

    RateLimitSettings custom =
        RateLimitSettings.from(
            ConfigLoader.withOverrides(
                ConfigFactory.parseString(
                    """
        squadron.rate-limits {
          default { rate = 5, burst = 7 }
          overrides = [{ caller = checkout, method = "%s", rate = 50, burst = 70 }]
        }"""
                        .formatted(METHOD))));
    assertThat(custom.defaultLimit()).isEqualTo(new RateLimit(5, 7));
    assertThat(custom.overrides())
        .containsExactly(new RateLimitOverride("checkout", METHOD, new RateLimit(50, 70)));
  }

  @Test
  void badConfig_namesTheKey() {
    assertThatThrownBy(
            () ->
                RateLimitSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString("squadron.rate-limits.default.rate = 0"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.rate-limits.default.rate");
    assertThatThrownBy(
            () ->
                RateLimitSettings.from(
                    ConfigLoader.withOverrides(
                        ConfigFactory.parseString(
                            "squadron.rate-limits.overrides = [{ caller = \"Bad Name\", method = \"*\", rate = 1, burst = 1 }]"))))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("squadron.rate-limits.overrides[0]");
  }

  @Test
  void staleClockRead_isCheckedAgainstAFreshOne_beforeRejecting() {
    long ms = 1_000_000;
    // Clock reads in order; the last one repeats.
    java.util.ArrayDeque<Long> reads = new java.util.ArrayDeque<>(List.of(0L, 0L, ms / 2, ms));
    RateLimiter limiter =
        new RateLimiter(
            RateLimitSettings.of(new RateLimit(1000, 1)),
            () -> reads.size() > 1 ? reads.poll() : reads.peek());

    assertThat(limiter.tryAcquire("checkout", METHOD, SVC)).isZero(); // at 0: the only token
    assertThat(limiter.tryAcquire("checkout", METHOD, SVC))
        .isZero(); // read 0.5 ms (stale), then 1 ms
    assertThat(limiter.tryAcquire("checkout", METHOD, SVC))
        .isEqualTo(ms); // at 1 ms: next token at 2 ms
  }

  @Test
  void limitValidation() {
    assertThatThrownBy(() -> new RateLimit(0, 1)).hasMessageContaining("rate: 0.0 (expected:");
    assertThatThrownBy(() -> new RateLimit(1, 0)).hasMessageContaining("burst: 0 (expected:");
  }
}
