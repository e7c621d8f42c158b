package io.squadron.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.squadron.journeys.platform.CallFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetrierTest {
  private final AtomicLong now = new AtomicLong();
  private final List<Duration> pauses = new ArrayList<>();
  private final Retrier retrier =
      new Retrier(
          now::get,
          d -> {
            pauses.add(d);
            now.addAndGet(d.toNanos());
          });

  @Test
  void transientFailures_areRetriedUntilSuccess_withBoundedBackoff() {
    AtomicInteger calls = new AtomicInteger();
    Retrier.Outcome<String> outcome =
        retrier.retrying(
            Duration.ofSeconds(30),
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw Status.UNAVAILABLE.withDescription("instance down").asRuntimeException();
              }
              return "ok";
            });
    assertThat(outcome.value()).isEqualTo("ok");
    assertThat(outcome.retries()).isEqualTo(3);
    assertThat(pauses).hasSize(3).allMatch(d -> d.compareTo(Retrier.MAX_BACKOFF) <= 0);
  }

  @Test
  void permanentFailure_isNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retrier.retrying(
                    Duration.ofSeconds(30),
                    () -> {
                      calls.incrementAndGet();
                      throw new CallFailure(
                          Status.Code.FAILED_PRECONDITION, "SESSION_CLOSED", "paid", true);
                    }))
        .isInstanceOf(CallFailure.class)
        .hasMessageContaining("SESSION_CLOSED");
    assertThat(calls).hasValue(1);
    assertThat(pauses).isEmpty();
  }

  @Test
  void transientFailure_pastTheDeadline_isThrown() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retrier.retrying(
                    Duration.ofSeconds(5),
                    () -> {
                      calls.incrementAndGet();
                      throw Status.DEADLINE_EXCEEDED.asRuntimeException();
                    }))
        .isInstanceOf(CallFailure.class)
        .satisfies(
            e -> assertThat(((CallFailure) e).code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat(now.get()).isGreaterThanOrEqualTo(Duration.ofSeconds(5).toNanos());
    assertThat(calls.get()).isGreaterThan(2);
  }

  @Test
  void quantile_picksTheNearestRank() {
    assertThat(JourneyReport.quantile(new long[] {}, 0.99)).isZero();
    long[] hundred = new long[100];
    for (int i = 0; i < 100; i++) {
      hundred[i] = 100 - i;
    }
    assertThat(JourneyReport.quantile(hundred, 0.99)).isEqualTo(99);
    assertThat(JourneyReport.quantile(hundred, 0.5)).isEqualTo(50);
  }

  @Test
  void durations_parse() {
    assertThat(JourneysMain.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(JourneysMain.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(JourneysMain.parseDuration("1500ms")).isEqualTo(Duration.ofMillis(1500));
    assertThatThrownBy(() -> JourneysMain.parseDuration("soon")).hasMessageContaining("duration");
  }
}
