package io.squadron.events.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  /** A random source that always draws {@code value}. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  @Test
  void delay_doublesFromInitial_cappedAtMax() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    RandomGenerator noJitter = fixed(0);
    assertThat(backoff.delay(1, noJitter)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.delay(2, noJitter)).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.delay(4, noJitter)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.delay(5, noJitter)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delay(1_000, noJitter)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void delay_jitterTakesAtMostAFifthOff() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    assertThat(backoff.delay(2, fixed(0.999999)))
        .isBetween(Duration.ofMillis(160), Duration.ofMillis(161));
    assertThat(backoff.delay(2, fixed(0.5))).isEqualTo(Duration.ofMillis(180));
  }

  @Test
  void constructorAndDelay_rejectBadValues_namingThem() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageStartingWith("initial backoff:");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageStartingWith("max backoff:");
    assertThatThrownBy(
            () -> new Backoff(Duration.ofMillis(1), Duration.ofMillis(2)).delay(0, fixed(0)))
        .hasMessageStartingWith("attempt:");
  }

  @Test
  void sleep_returnsEarly_whenToldToStop() {
    long started = System.nanoTime();
    assertThat(Backoff.sleep(Duration.ofMinutes(1), () -> false)).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(Backoff.sleep(Duration.ofMillis(1), () -> true)).isTrue();
  }
}
