package io.squadron.rpc.internal.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The bucket on a fake clock: times are plain numbers, nothing sleeps. */
class TokenBucketTest {
  private static final long MS = 1_000_000L;

  @Test
  void fullBucket_admitsBurst_thenRejectsWithTimeToNextToken() {
    TokenBucket bucket = new TokenBucket(new RateLimit(10, 3), 0);

    assertThat(bucket.tryAcquire(0)).isZero();
    assertThat(bucket.tryAcquire(0)).isZero();
    assertThat(bucket.tryAcquire(0)).isZero();
    assertThat(bucket.tryAcquire(0)).isEqualTo(100 * MS);
    assertThat(bucket.tryAcquire(40 * MS)).isEqualTo(60 * MS);
  }

  @Test
  void refillsAtTheRate_andNeverAboveTheBurst() {
    TokenBucket bucket = new TokenBucket(new RateLimit(10, 3), 0);
    for (int i = 0; i < 3; i++) {
      bucket.tryAcquire(0);
    }

    assertThat(bucket.tryAcquire(100 * MS)).isZero();
    assertThat(bucket.tryAcquire(100 * MS)).isPositive();

    // A long quiet period refills to the burst, not beyond.
    long later = 10_000 * MS;
    for (int i = 0; i < 3; i++) {
      assertThat(bucket.tryAcquire(later)).isZero();
    }
    assertThat(bucket.tryAcquire(later)).isEqualTo(100 * MS);
  }

  @Test
  void sustainedRate_admitsExactlyRateTimesSeconds_plusBurst() {
    TokenBucket bucket = new TokenBucket(new RateLimit(100, 20), 0);
    int admitted = 0;
    // 1,000 attempts per second for 10 s.
    for (long t = 0; t < 10_000 * MS; t += MS) {
      if (bucket.tryAcquire(t) == 0) {
        admitted++;
      }
    }
    assertThat(admitted).isBetween(100 * 10 + 20 - 1, 100 * 10 + 20);
  }

  @Test
  void rejectedAttempts_takeNothing() {
    TokenBucket bucket = new TokenBucket(new RateLimit(1, 1), 0);
    bucket.tryAcquire(0);
    for (int i = 0; i < 100; i++) {
      assertThat(bucket.tryAcquire(500 * MS)).isEqualTo(500 * MS);
    }
    assertThat(bucket.tryAcquire(1_000 * MS)).isZero();
  }

  @Test
  void idle_onlyWhenFullForTheWholePeriod() {
    TokenBucket bucket = new TokenBucket(new RateLimit(10, 5), 0);
    bucket.tryAcquire(0);

    assertThat(bucket.idleFor(1_000 * MS, 1_000 * MS)).isFalse(); // refilled only at 100 ms
    assertThat(bucket.idleFor(1_100 * MS, 1_000 * MS)).isTrue();
  }

  @Test
  void worksAcrossNegativeAndWrappingNanoTimes() {
    long start = Long.MAX_VALUE - 50 * MS;
    TokenBucket bucket = new TokenBucket(new RateLimit(10, 1), start);

    assertThat(bucket.tryAcquire(start)).isZero();
    assertThat(bucket.tryAcquire(start + 50 * MS)).isEqualTo(50 * MS);
    assertThat(bucket.tryAcquire(start + 100 * MS)).isZero(); // past Long.MAX_VALUE
  }
}
