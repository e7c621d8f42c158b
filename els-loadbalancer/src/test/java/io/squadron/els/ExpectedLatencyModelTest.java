package io.squadron.els;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The math alone, on hand-fed statistics. */
class ExpectedLatencyModelTest {

  private static final long SECOND = 1_000_000_000L;
  private final ExpectedLatencyModel model = new ExpectedLatencyModel(ElsConfig.ofDefaults());

  private static EndpointStats stats(
      int successes, double okMs, int failures, double failMs, long at) {
    EndpointStats s = new EndpointStats(SECOND, 5 * SECOND, 5 * SECOND, at);
    for (int i = 0; i < Math.max(successes, failures); i++) {
      if (i < successes) {
        s.started(at - (long) (okMs * 1e6));
        s.finished(at, (long) (okMs * 1e6), EndpointStats.Outcome.SUCCESS);
      }
      if (i < failures) {
        s.started(at - (long) (failMs * 1e6));
        s.finished(at, (long) (failMs * 1e6), EndpointStats.Outcome.FAILURE);
      }
    }
    return s;
  }

  private double[] weights(long now, EndpointStats... stats) {
    long[] since = new long[stats.length];
    java.util.Arrays.fill(since, Long.MIN_VALUE);
    double[] w = new double[stats.length];
    model.compute(now, stats, since, null, w);
    return w;
  }

  @Test
  void tenTimesSlowerEndpoint_getsFarLessWeight() {
    double[] w =
        weights(
            SECOND,
            stats(50, 10, 0, 0, SECOND),
            stats(50, 10, 0, 0, SECOND),
            stats(50, 100, 0, 0, SECOND));
    assertThat(w[2] / w[0]).isLessThan(0.05);
    assertThat(w[0]).isEqualTo(w[1]);
  }

  @Test
  void fastFailingEndpoint_getsLessWeightThanHealthy_althoughItAnswersFaster() {
    // 90% failures in 1 ms vs. all successes in 10 ms: join-the-shortest-queue would prefer the
    // failing one.
    double[] w = weights(SECOND, stats(50, 10, 0, 0, SECOND), stats(5, 10, 45, 1, SECOND));
    assertThat(w[1] / w[0]).isLessThan(0.2);
  }

  @Test
  void slowFailures_costMoreThanFastFailures() {
    double[] w =
        weights(
            SECOND,
            stats(50, 10, 0, 0, SECOND),
            stats(40, 10, 10, 1, SECOND),
            stats(40, 10, 10, 500, SECOND));
    assertThat(w[2]).isLessThan(w[1]);
    assertThat(w[1]).isLessThan(w[0]);
  }

  @Test
  void outstandingRequests_lowerTheWeight() {
    EndpointStats busy = stats(50, 10, 0, 0, SECOND);
    busy.started(SECOND);
    busy.started(SECOND);
    double[] w = weights(SECOND, stats(50, 10, 0, 0, SECOND), busy);
    assertThat(w[1]).isLessThan(w[0] / 4);
  }

  @Test
  void parallelism_isMeasuredByLittlesLaw() {
    // 400 requests of 10 ms within the decay time: about 4 in flight on average, so 2 outstanding
    // cost little.
    EndpointStats wide = stats(400, 10, 0, 0, SECOND);
    EndpointStats narrow = stats(50, 10, 0, 0, SECOND);
    wide.started(SECOND);
    wide.started(SECOND);
    narrow.started(SECOND);
    narrow.started(SECOND);
    double[] e = new double[2];
    double[] w = new double[2];
    model.compute(
        SECOND,
        new EndpointStats[] {wide, narrow},
        new long[] {Long.MIN_VALUE, Long.MIN_VALUE},
        e,
        w);
    assertThat(e[0]).isLessThan(e[1]);
    assertThat(e[0])
        .isCloseTo(0.015, org.assertj.core.data.Offset.offset(0.001)); // (1 + 2/4) * 10 ms
  }

  @Test
  void endpointWithoutHistory_startsAtTheClusterAverage() {
    double[] w =
        weights(
            SECOND,
            stats(50, 10, 0, 0, SECOND),
            stats(50, 10, 0, 0, SECOND),
            new EndpointStats(SECOND, 5 * SECOND, 5 * SECOND, SECOND));
    assertThat(w[2]).isCloseTo(w[0], org.assertj.core.data.Percentage.withPercentage(1));
  }

  @Test
  void starvedEndpoint_driftsBackToAverage_soNothingStarvesForever() {
    EndpointStats slow = stats(50, 100, 0, 0, SECOND);
    EndpointStats fast = stats(50, 10, 0, 0, SECOND);
    double early = ratio(weights(SECOND, fast, slow));
    // The fast endpoint keeps getting traffic; the slow one gets none for 10 decay times.
    for (int t = 1; t <= 10; t++) {
      for (int i = 0; i < 50; i++) {
        fast.started(SECOND + t * SECOND - 10_000_000);
        fast.finished(SECOND + t * SECOND, 10_000_000, EndpointStats.Outcome.SUCCESS);
      }
    }
    double late = ratio(weights(11 * SECOND, fast, slow));
    assertThat(early).isLessThan(0.05);
    assertThat(late).isGreaterThan(0.9);
  }

  private static double ratio(double[] w) {
    return w[1] / w[0];
  }

  @Test
  void slowStart_rampsFromMinFactorToOne() {
    ExpectedLatencyModel m =
        new ExpectedLatencyModel(
            ElsConfig.builder()
                .slowStartWindow(Duration.ofSeconds(4))
                .slowStartMinFactor(0.2)
                .build());
    assertThat(m.slowStartFactor(10 * SECOND, 10 * SECOND)).isEqualTo(0.2);
    assertThat(m.slowStartFactor(12 * SECOND, 10 * SECOND))
        .isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(m.slowStartFactor(14 * SECOND, 10 * SECOND)).isEqualTo(1.0);
    assertThat(m.slowStartFactor(14 * SECOND, Long.MIN_VALUE)).isEqualTo(1.0);
  }

  @Test
  void expectedLatency_countsARetryForEachFailure() {
    // p = 0.5: half the attempts fail in 2 ms and then cost a 10 ms retry elsewhere.
    double e = ExpectedLatencyModel.expectedLatency(0, 1, 0.5, 0.010, 0.002, 0.010);
    assertThat(e)
        .isCloseTo(
            0.5 * 0.010 + 0.5 * 0.002 + 0.5 * 0.010, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void requestsOutstandingLongerThanExpected_raiseTheExpectedLatency_beforeAnyAnswer() {
    EndpointStats stalled = stats(50, 10, 0, 0, SECOND);
    stalled.started(SECOND);
    double[] e = new double[2];
    double[] w = new double[2];
    long[] since = {Long.MIN_VALUE, Long.MIN_VALUE};
    // 5 ms after the start the outstanding request says nothing yet: (1 + 1/1) * 10 ms.
    model.compute(
        SECOND + 5_000_000,
        new EndpointStats[] {stats(50, 10, 0, 0, SECOND), stalled},
        since,
        e,
        w);
    assertThat(e[1]).isCloseTo(0.020, org.assertj.core.data.Offset.offset(0.001));
    // 300 ms later it has waited 300 ms: nothing sent there now is expected faster.
    model.compute(
        SECOND + 300_000_000,
        new EndpointStats[] {stats(50, 10, 0, 0, SECOND), stalled},
        since,
        e,
        w);
    assertThat(e[1]).isCloseTo(0.300, org.assertj.core.data.Offset.offset(0.001));
    assertThat(w[1]).isLessThan(w[0] / 100);
    assertThat(stalled.outstandingAge(SECOND + 300_000_000))
        .isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
    stalled.finished(SECOND + 300_000_000, 300_000_000, EndpointStats.Outcome.SUCCESS);
    assertThat(stalled.outstandingAge(SECOND + 400_000_000)).isZero();
  }
}
