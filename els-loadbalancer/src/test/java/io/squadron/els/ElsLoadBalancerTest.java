package io.squadron.els;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ConnectivityState;
import io.grpc.LoadBalancer;
import io.grpc.Status;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The balancer on a fake helper and a fake clock: discrete-event simulations, no sleeping. */
class ElsLoadBalancerTest {

  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;

  @Test
  void evenEndpoints_shareTrafficEvenly() {
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().build(),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10))) {
      sim.run(4000, MS);
      for (int i = 0; i < 4; i++) {
        assertThat(sim.share(i)).isCloseTo(0.25, Offset.offset(0.04));
      }
    }
  }

  @Test
  void tenTimesSlowerEndpoint_getsClearlyLessTraffic() {
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().build(),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(100))) {
      sim.run(2000, MS); // warm up
      sim.run(6000, MS);
      assertThat(sim.share(3)).isLessThan(0.02);
      assertThat(sim.share(0)).isGreaterThan(0.3);
    }
  }

  @Test
  void fastFailingEndpoint_getsLessTrafficThanHealthyOnes_evenWithoutTheBreaker() {
    ElsConfig config = Simulation.testConfig().breakerEnabled(false).build();
    try (Simulation sim =
        new Simulation(
            config,
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            new Simulation.Behaviour(10 * MS, 0.9, MS))) {
      sim.run(2000, MS);
      sim.run(6000, MS);
      assertThat(sim.share(3)).isLessThan(0.05);
      assertThat(sim.share(3)).isLessThan(sim.share(0) / 5);
    }
  }

  @Test
  void failingEndpoint_isEjected_thenProbedAfterBackoff_andEjectedLongerNextTime() {
    ElsConfig config = Simulation.testConfig().baseEjectionTime(Duration.ofSeconds(2)).build();
    Simulation.Behaviour bad = new Simulation.Behaviour(10 * MS, 0.9, MS);
    try (Simulation sim =
        new Simulation(
            config,
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            bad)) {
      sim.run(1000, MS);
      ElsLoadBalancer.Endpoint ep = sim.endpoint(3);
      assertThat(ep.ejected).isTrue();
      assertThat(ep.ejections).isEqualTo(1);
      long firstUntil = ep.ejectedUntil;
      // While ejected it gets no traffic at all.
      sim.run(1000, MS);
      assertThat(sim.share(3)).isZero();
      // Back after the ejection time (slow start), still failing: ejected again, for twice as long.
      sim.advanceTo(firstUntil + 300 * MS);
      assertThat(ep.ejected).isFalse();
      assertThat(ep.slowStartSince).isGreaterThanOrEqualTo(firstUntil);
      sim.run(4000, MS);
      assertThat(ep.ejections).isEqualTo(2);
      assertThat(ep.ejected).isTrue();
      assertThat(ep.ejectedUntil - firstUntil).isGreaterThan(4 * SECOND);
      // Healed: once back it keeps its traffic.
      bad.failureRate = 0;
      sim.advanceTo(ep.ejectedUntil + 300 * MS);
      sim.run(3000, MS); // slow start
      sim.run(3000, MS);
      assertThat(ep.ejected).isFalse();
      assertThat(sim.share(3)).isCloseTo(0.25, Offset.offset(0.06));
    }
  }

  @Test
  void everyEndpointFailingAlike_noneIsEjected() {
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().build(),
            new Simulation.Behaviour(10 * MS, 0.9, MS),
            new Simulation.Behaviour(10 * MS, 0.9, MS),
            new Simulation.Behaviour(10 * MS, 0.9, MS))) {
      sim.run(5000, MS);
      for (int i = 0; i < 3; i++) {
        assertThat(sim.endpoint(i).ejected).isFalse();
        assertThat(sim.endpoint(i).ejections).isZero();
      }
      assertThat(sim.successes).isPositive();
    }
  }

  @Test
  void twoEndpoints_oneFailing_isEjected() {
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().build(),
            Simulation.Behaviour.healthy(10),
            new Simulation.Behaviour(10 * MS, 0.5, 5 * MS))) {
      sim.run(2000, MS);
      assertThat(sim.endpoint(1).ejected).isTrue();
      assertThat(sim.endpoint(0).ejected).isFalse();
    }
  }

  @Test
  void ejectionCap_leavesOutliersInOnceTheShareIsReached() {
    ElsConfig config = Simulation.testConfig().maxEjectionPercent(20).build();
    try (Simulation sim =
        new Simulation(
            config,
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            new Simulation.Behaviour(10 * MS, 0.9, MS),
            new Simulation.Behaviour(10 * MS, 0.9, MS))) {
      sim.run(3000, MS);
      int ejected = 0;
      for (int i = 0; i < 5; i++) {
        ejected += sim.endpoint(i).ejected ? 1 : 0;
      }
      assertThat(ejected).isEqualTo(1);
      assertThat(sim.endpoint(0).ejected || sim.endpoint(1).ejected || sim.endpoint(2).ejected)
          .isFalse();
    }
  }

  @Test
  void breakerRule_isRelative_andWeighsTheEvidence() {
    ElsConfig c = ElsConfig.ofDefaults();
    boolean[] none = new boolean[3];
    boolean[] all = {true, true, true};
    // 40% vs 5%: ejected. 40% vs 30%: not (not twice as bad). 3 of 4 failing while the others fail
    // 5%: too
    // few requests to be sure. 2 of 6 while the others fail 1%: not sure either; 5 of 6: sure.
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c, new double[] {95, 95, 60}, new double[] {5, 5, 40}, none, all)
                .eject)
        .extracting(v -> v.index)
        .containsExactly(2);
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c, new double[] {70, 70, 60}, new double[] {30, 30, 40}, none, all)
                .eject)
        .isEmpty();
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c, new double[] {95, 95, 1}, new double[] {5, 5, 3}, none, all)
                .eject)
        .isEmpty();
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c, new double[] {99, 99, 4}, new double[] {1, 1, 2}, none, all)
                .eject)
        .isEmpty();
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c, new double[] {99, 99, 1}, new double[] {1, 1, 5}, none, all)
                .eject)
        .extracting(v -> v.index)
        .containsExactly(2);
    // The others never fail over 400 requests: 3 failures in a row are enough, 2 are not.
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c, new double[] {200, 200, 0}, new double[] {0, 0, 3}, none, all)
                .eject)
        .extracting(v -> v.index)
        .containsExactly(2);
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c, new double[] {200, 200, 0}, new double[] {0, 0, 2}, none, all)
                .eject)
        .isEmpty();
    // The others fail 20% of 400: 3 in a row prove nothing.
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c, new double[] {160, 160, 0}, new double[] {40, 40, 3}, none, all)
                .eject)
        .isEmpty();
    // All fail alike: none.
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c, new double[] {50, 50, 50}, new double[] {50, 50, 50}, none, all)
                .eject)
        .isEmpty();
    assertThat(RelativeCircuitBreaker.wilsonLower(1.0, 5)).isCloseTo(0.556, Offset.offset(0.001));
    assertThat(RelativeCircuitBreaker.wilsonUpper(0.0, 396)).isCloseTo(0.01, Offset.offset(0.0002));
    assertThat(RelativeCircuitBreaker.bernoulliKl(1.0, 0.01))
        .isCloseTo(Math.log(100), Offset.offset(1e-12));
    assertThat(RelativeCircuitBreaker.bernoulliKl(0.3, 0.3)).isZero();
    assertThat(RelativeCircuitBreaker.maxEjected(1, 50)).isZero();
    assertThat(RelativeCircuitBreaker.maxEjected(2, 50)).isEqualTo(1);
    assertThat(RelativeCircuitBreaker.maxEjected(10, 30)).isEqualTo(3);
  }

  @Test
  void probation_aSingleFailedProbeEjectsAgain_evenWhenItsDecayedVolumeIsBelowOne() {
    ElsConfig c = ElsConfig.ofDefaults();
    RelativeCircuitBreaker.Record ok =
        new RelativeCircuitBreaker.Record(200, 0, 0, 64, false, true, false);
    // One failure, decayed to 0.98 of a request by the time it is judged.
    RelativeCircuitBreaker.Record probe =
        new RelativeCircuitBreaker.Record(0, 0.98, 1, 1, false, true, true);
    assertThat(
            RelativeCircuitBreaker.evaluate(c, new RelativeCircuitBreaker.Record[] {ok, ok, probe})
                .eject)
        .extracting(v -> v.index)
        .containsExactly(2);
    // Not on probation, one failure proves nothing.
    RelativeCircuitBreaker.Record fresh =
        new RelativeCircuitBreaker.Record(0, 0.98, 1, 1, false, true, false);
    assertThat(
            RelativeCircuitBreaker.evaluate(c, new RelativeCircuitBreaker.Record[] {ok, ok, fresh})
                .eject)
        .isEmpty();
  }

  @Test
  void breaker_judgesOnlyConnectedEndpoints_andTheirFailuresAreNoReference() {
    ElsConfig c = ElsConfig.ofDefaults();
    boolean[] none = new boolean[3];
    // Endpoint 2 lost its connection (its last calls failed): not judged while it is not READY.
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c,
                    new double[] {95, 95, 0},
                    new double[] {0, 0, 9},
                    none,
                    new boolean[] {true, true, false})
                .eject)
        .isEmpty();
    // Endpoint 0 fails 30%, and endpoint 2 (disconnected) failed everything: 0 is judged against 1
    // alone.
    assertThat(
            RelativeCircuitBreaker.evaluate(
                    c,
                    new double[] {70, 100, 0},
                    new double[] {30, 0, 50},
                    none,
                    new boolean[] {true, true, false})
                .eject)
        .extracting(v -> v.index)
        .containsExactly(0);
  }

  @Test
  void fastFailingEndpoint_atFiveRequestsASecond_isEjectedWithinASecond_afterAFewFailures() {
    // 8 endpoints, 40 requests/s: the failing endpoint's fair share is 5 requests/s. The others'
    // record is the
    // reference: 3 s of it (at the start of the benchmark's measurement) or 10 s (steady state). 25
    // seeds each.
    for (int history : new int[] {3, 10}) {
      long[] times = new long[25];
      long[] failures = new long[25];
      for (int seed = 0; seed < 25; seed++) {
        long[] r = ejectAfterOnset(history, seed);
        times[seed] = r[0];
        failures[seed] = r[1];
      }
      java.util.Arrays.sort(times);
      java.util.Arrays.sort(failures);
      // With 3 s of reference the others' rate is less certain (Wilson upper bound 4%), so one more
      // failure.
      assertThat(times[12])
          .as("median time to ejection, %s s of history", history)
          .isLessThan(history == 3 ? SECOND : 700 * MS);
      assertThat(failures[12])
          .as("median failures before ejection")
          .isLessThanOrEqualTo(history == 3 ? 4 : 3);
      assertThat(failures[24]).as("most failures before ejection").isLessThanOrEqualTo(6);
    }
  }

  /** Time from the onset of 90% fast failures to the ejection, and the failures meanwhile. */
  private static long[] ejectAfterOnset(int healthySeconds, long seed) {
    Simulation.Behaviour[] eps = new Simulation.Behaviour[8];
    for (int i = 0; i < 8; i++) {
      eps[i] = Simulation.Behaviour.healthy(50);
    }
    try (Simulation sim = new Simulation(Simulation.testConfig().build(), eps)) {
      sim.random.setSeed(seed);
      sim.run(40 * healthySeconds, 25 * MS);
      eps[3].failureRate = 0.9;
      eps[3].failureLatencyNanos = MS;
      int failuresBefore = sim.failures;
      long start = sim.now;
      while (!sim.endpoint(3).ejected && sim.now - start < 5 * SECOND) {
        sim.run(1, 25 * MS);
      }
      assertThat(sim.endpoint(3).ejected).isTrue();
      return new long[] {sim.now - start, sim.failures - failuresBefore};
    }
  }

  @Test
  void endpointBackFromEjection_stillFailing_isEjectedAgainAfterAFailureOrTwo() {
    Simulation.Behaviour[] eps = new Simulation.Behaviour[8];
    for (int i = 0; i < 8; i++) {
      eps[i] = Simulation.Behaviour.healthy(50);
    }
    eps[3] = new Simulation.Behaviour(50 * MS, 0.9, MS);
    try (Simulation sim = new Simulation(Simulation.testConfig().build(), eps)) {
      ElsLoadBalancer.Endpoint ep = sim.endpoint(3);
      while (!ep.ejected) {
        sim.run(1, 25 * MS);
      }
      sim.advanceTo(ep.ejectedUntil + 300 * MS);
      assertThat(ep.ejected).isFalse();
      int failuresBefore = sim.failures;
      while (!ep.ejected) {
        sim.run(1, 25 * MS);
      }
      assertThat(ep.ejections).isEqualTo(2);
      assertThat(sim.failures - failuresBefore).isEqualTo(1); // half-open: one failed probe
    }
  }

  @Test
  void everyEndpointFailingAlike_atAnyRate_noneIsEjected_overTenMinutes() {
    // Few requests per endpoint (5/s, where a short run of failures looks most like an outlier) and
    // many.
    for (long interval : new long[] {25 * MS, MS}) {
      for (double rate : new double[] {0.02, 0.1, 0.2, 0.5, 0.9}) {
        Simulation.Behaviour[] eps = new Simulation.Behaviour[8];
        for (int i = 0; i < 8; i++) {
          eps[i] = new Simulation.Behaviour(50 * MS, rate, MS);
        }
        try (Simulation sim = new Simulation(Simulation.testConfig().build(), eps)) {
          sim.run((int) (600 * SECOND / interval), interval);
          for (int i = 0; i < 8; i++) {
            assertThat(sim.endpoint(i).ejections)
                .as("rate %s, interval %s ms, endpoint %s", rate, interval / MS, i)
                .isZero();
          }
        }
      }
    }
  }

  @Test
  void newEndpoint_isProbedGently_thenGetsItsShare() {
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().build(),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10))) {
      sim.run(3000, MS);
      sim.groups.add(Simulation.group(3));
      sim.resolve(Simulation.testConfig().build());
      FakeHelper.FakeSubchannel added = sim.subchannel(3);
      sim.behaviours.put(added, Simulation.Behaviour.healthy(10));
      added.setState(ConnectivityState.READY);
      sim.run(500, MS);
      assertThat(sim.share(3)).isLessThan(0.12); // a fair share would be 0.25
      sim.run(3000, MS);
      sim.run(2000, MS);
      assertThat(sim.share(3)).isCloseTo(0.25, Offset.offset(0.05));
    }
  }

  @Test
  void transientSlowdown_trafficMovesAwayAndComesBack() {
    Simulation.Behaviour flaky = Simulation.Behaviour.healthy(10);
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().build(),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            flaky)) {
      sim.run(3000, MS);
      flaky.latencyNanos = 100 * MS;
      sim.run(1000, MS);
      sim.run(2000, MS);
      assertThat(sim.share(3)).isLessThan(0.05); // a fair share is 0.25
      flaky.latencyNanos = 10 * MS;
      // It gets probed again as its old evidence decays (decay time 5 s), and each fast answer
      // brings more traffic.
      sim.run(10_000, MS);
      sim.run(2000, MS);
      assertThat(sim.share(3)).isGreaterThan(0.18);
    }
  }

  @Test
  void endpointThatStopsAnswering_losesItsTraffic_beforeAnyAnswerComesBack() {
    Simulation.Behaviour stalled = Simulation.Behaviour.healthy(10);
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().build(),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            stalled)) {
      // A light client (20 requests/s, about 5/s to each endpoint, rarely two at once on one): the
      // outstanding
      // count alone barely moves, the age of the one request waiting there does.
      sim.run(200, 50 * MS);
      stalled.latencyNanos = 10 * SECOND; // a stop-the-world pause: nothing comes back for 10 s
      int before = sim.picks.getOrDefault(sim.subchannel(3), 0);
      sim.run(60, 50 * MS); // 3 s into the stall, no answer from it yet
      assertThat(sim.picks.getOrDefault(sim.subchannel(3), 0)).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void picks_followTheWeightsStatistically() {
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().slowStartWindow(Duration.ZERO).build(),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(20),
            Simulation.Behaviour.healthy(40))) {
      // Feed known statistics directly, then pick without completing anything (outstanding stays
      // 0).
      double[] latencies = {0.010, 0.020, 0.040};
      for (int i = 0; i < 3; i++) {
        EndpointStats s = sim.endpoint(i).stats;
        for (int k = 0; k < 100; k++) {
          s.started(sim.now - (long) (latencies[i] * 1e9));
          s.finished(sim.now, (long) (latencies[i] * 1e9), EndpointStats.Outcome.SUCCESS);
        }
      }
      ElsPicker picker = (ElsPicker) sim.helper.picker;
      double[] w = new double[3];
      EndpointStats[] st = {sim.endpoint(0).stats, sim.endpoint(1).stats, sim.endpoint(2).stats};
      double total =
          new ExpectedLatencyModel(ElsConfig.ofDefaults())
              .compute(
                  sim.now,
                  st,
                  new long[] {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE},
                  null,
                  w);
      Map<LoadBalancer.Subchannel, Integer> counts = new HashMap<>();
      int n = 40_000;
      for (int k = 0; k < n; k++) {
        counts.merge(picker.subchannel(picker.choose()), 1, Integer::sum);
      }
      for (int i = 0; i < 3; i++) {
        double expected = w[i] / total;
        double observed = counts.getOrDefault(sim.subchannel(i), 0) / (double) n;
        // 5 standard deviations of a binomial proportion.
        assertThat(observed)
            .isCloseTo(expected, Offset.offset(5 * Math.sqrt(expected * (1 - expected) / n)));
      }
      assertThat(w[0] / total).isGreaterThan(0.7); // roughly 1 : 1/4 : 1/16 with exponent 2
    }
  }

  @Test
  void quasiRandomPicks_spreadEachEndpointsPicksEvenly_uniformOnesBunch() {
    double quasi = gapVariation(Simulation.testConfig().build());
    double uniform = gapVariation(Simulation.testConfig().quasiRandom(false).build());
    // Uniform draws split the stream like a Poisson process (geometric gaps, coefficient of
    // variation ~1).
    assertThat(uniform).isGreaterThan(0.8);
    assertThat(quasi).isLessThan(0.5);
  }

  /**
   * Coefficient of variation of the gaps between successive picks of endpoint 0, equal endpoints.
   */
  private static double gapVariation(ElsConfig config) {
    Simulation.Behaviour[] eight = new Simulation.Behaviour[8];
    java.util.Arrays.fill(eight, Simulation.Behaviour.healthy(2));
    try (Simulation sim = new Simulation(config, eight)) {
      sim.run(4000, MS); // past slow start
      sim.run(16_000, MS);
      java.util.List<Integer> gaps = new java.util.ArrayList<>();
      int last = -1;
      for (int k = 0; k < sim.sequence.size(); k++) {
        if (sim.sequence.get(k) == sim.subchannel(0)) {
          if (last >= 0) {
            gaps.add(k - last);
          }
          last = k;
        }
      }
      double mean = gaps.stream().mapToInt(Integer::intValue).average().orElseThrow();
      double var = gaps.stream().mapToDouble(g -> (g - mean) * (g - mean)).sum() / gaps.size();
      return Math.sqrt(var) / mean;
    }
  }

  @Test
  void onlyReadySubchannelsArePicked_andIdleOnesReconnect() {
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().build(),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10))) {
      sim.subchannel(1).setState(ConnectivityState.IDLE);
      assertThat(sim.subchannel(1).connectionRequests).isGreaterThanOrEqualTo(2);
      sim.run(200, MS);
      assertThat(sim.share(1)).isZero();
      assertThat(sim.helper.state).isEqualTo(ConnectivityState.READY);
      sim.subchannel(0).setState(ConnectivityState.TRANSIENT_FAILURE);
      assertThat(sim.helper.state).isEqualTo(ConnectivityState.CONNECTING);
      sim.subchannel(1).setState(ConnectivityState.TRANSIENT_FAILURE);
      assertThat(sim.helper.state).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
      assertThat(sim.helper.picker.pickSubchannel(null).getStatus().isOk()).isFalse();
      sim.subchannel(0).setState(ConnectivityState.CONNECTING); // sticky TRANSIENT_FAILURE
      assertThat(sim.helper.state).isEqualTo(ConnectivityState.TRANSIENT_FAILURE);
      sim.subchannel(0).setState(ConnectivityState.READY);
      assertThat(sim.helper.state).isEqualTo(ConnectivityState.READY);
    }
  }

  @Test
  void nameResolutionUpdate_keepsStatsOfEndpointsThatStay_andShutsDownRemovedOnes() {
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().build(),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10),
            Simulation.Behaviour.healthy(10))) {
      sim.run(500, MS);
      EndpointStats kept = sim.endpoint(0).stats;
      FakeHelper.FakeSubchannel removed = sim.subchannel(2);
      sim.groups.remove(2);
      sim.resolve(Simulation.testConfig().build());
      assertThat(removed.shutdown).isTrue();
      assertThat(sim.endpoint(0).stats).isSameAs(kept);
      assertThat(kept.snapshot().okCount).isPositive();
      assertThat(sim.helper.subchannels)
          .hasSize(3); // nothing new created for endpoints that stayed
      assertThat(sim.registry.find("els.endpoint.weight").gauges()).hasSize(2);
    }
  }

  @Test
  void emptyResolution_isAnError() {
    try (Simulation sim =
        new Simulation(Simulation.testConfig().build(), Simulation.Behaviour.healthy(10))) {
      Status[] status = new Status[1];
      sim.helper.syncContext.execute(
          () ->
              status[0] =
                  sim.lb.acceptResolvedAddresses(
                      LoadBalancer.ResolvedAddresses.newBuilder()
                          .setAddresses(java.util.List.of())
                          .build()));
      assertThat(status[0].getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
  }

  @Test
  void metrics_reportWeightExpectedLatencyAndEjection() {
    try (Simulation sim =
        new Simulation(
            Simulation.testConfig().build(),
            Simulation.Behaviour.healthy(10),
            new Simulation.Behaviour(10 * MS, 0.9, MS))) {
      sim.run(2000, MS);
      Gauge ejected =
          sim.registry.find("els.endpoint.ejected").tag("endpoint", "/10.0.0.2:443").gauge();
      assertThat(ejected.value()).isEqualTo(1.0);
      Gauge weight =
          sim.registry.find("els.endpoint.weight").tag("endpoint", "/10.0.0.1:443").gauge();
      assertThat(weight.value()).isEqualTo(1.0);
      Gauge expected =
          sim.registry
              .find("els.endpoint.expected.latency")
              .tag("endpoint", "/10.0.0.1:443")
              .gauge();
      assertThat(expected.value()).isBetween(0.005, 0.05);
      assertThat(
              sim.registry
                  .find("els.endpoint.success.rate")
                  .tag("endpoint", "/10.0.0.1:443")
                  .gauge()
                  .value())
          .isEqualTo(1.0);
      assertThat(
              sim.registry
                  .find("els.endpoint.ejections")
                  .tag("endpoint", "/10.0.0.2:443")
                  .counter()
                  .count())
          .isEqualTo(1.0);
    }
  }
}
