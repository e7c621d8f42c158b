package io.squadron.els;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ConnectivityState;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Locality: endpoints carry their region ({@link ElsLoadBalancerProvider#REGION}), the client
 * prefers its own region and spills over to the others when local endpoints are gone, ejected or
 * overloaded. Discrete-event simulations on a fake clock; endpoints 0-3 are local ("a"), 4-7 remote
 * ("b").
 */
class LocalityTest {

  private static final long MS = 1_000_000L;
  private static final String[] TWO_REGIONS = {"a", "a", "a", "a", "b", "b", "b", "b"};

  private static Simulation.Behaviour[] eightEndpoints(double remoteRttMs) {
    Simulation.Behaviour[] eps = new Simulation.Behaviour[8];
    for (int i = 0; i < 8; i++) {
      eps[i] = Simulation.Behaviour.queued(10, 2, i < 4 ? 0 : remoteRttMs);
    }
    return eps;
  }

  @Test
  void farRegion_getsAlmostNoTraffic_whileTheLocalOneIsHealthy_regionBlindSendsIt() {
    ElsConfig local = Simulation.testConfig().localRegion("a").build();
    double localShare;
    try (Simulation sim = Simulation.withRegions(local, TWO_REGIONS, eightEndpoints(40))) {
      sim.run(4000, 5 * MS);
      sim.run(12_000, 5 * MS);
      localShare = sim.share(4, 8);
      assertThat(localShare).isLessThan(0.005);
    }
    // Without the local region, the latency weights alone keep most calls near (beta = 3), but
    // not as many: the prior keeps probing the far region.
    ElsConfig blind = Simulation.testConfig().build();
    try (Simulation sim = Simulation.withRegions(blind, TWO_REGIONS, eightEndpoints(40))) {
      sim.run(4000, 5 * MS);
      sim.run(12_000, 5 * MS);
      assertThat(sim.share(4, 8)).isGreaterThan(0.008).isGreaterThan(3 * localShare);
    }
  }

  @Test
  void withoutLocalRegion_regionAttributesChangeNothing_whenTheRegionsAreAlike() {
    double withRegions;
    try (Simulation sim =
        Simulation.withRegions(Simulation.testConfig().build(), TWO_REGIONS, eightEndpoints(0))) {
      sim.run(4000, 5 * MS);
      sim.run(8000, 5 * MS);
      withRegions = sim.share(4, 8);
    }
    try (Simulation sim = new Simulation(Simulation.testConfig().build(), eightEndpoints(0))) {
      sim.run(4000, 5 * MS);
      sim.run(8000, 5 * MS);
      assertThat(sim.share(4, 8)).isCloseTo(withRegions, Offset.offset(1e-9));
    }
  }

  @Test
  void localEndpointsGone_spillOverInProportion_likeEnvoysPriorityLevels_thenTrafficComesBack() {
    ElsConfig config = Simulation.testConfig().localRegion("a").build();
    Simulation.Behaviour[] eps = new Simulation.Behaviour[8];
    for (int i = 0; i < 8; i++) {
      eps[i] =
          Simulation.Behaviour.queued(
              10, 0, i < 4 ? 0 : 20); // unlimited slots; the other region 20 ms away
    }
    try (Simulation sim = Simulation.withRegions(config, TWO_REGIONS, eps)) {
      sim.run(4000, MS); // the first seconds explore both regions
      sim.run(4000, MS);
      assertThat(sim.share(4, 8)).isLessThan(0.01);
      // One of four local endpoints out: 1.4 * 3/4 >= 1, the local region keeps everything.
      sim.subchannel(0).setState(ConnectivityState.TRANSIENT_FAILURE);
      assertThat(((ElsPicker) sim.helper.picker).localShare()).isEqualTo(1.0);
      // Three of four out: the local region keeps 1.4 * 1/4 = 35%, the rest spills over.
      sim.subchannel(1).setState(ConnectivityState.TRANSIENT_FAILURE);
      sim.subchannel(2).setState(ConnectivityState.TRANSIENT_FAILURE);
      assertThat(((ElsPicker) sim.helper.picker).localShare()).isCloseTo(0.35, Offset.offset(1e-9));
      sim.run(4000, MS);
      assertThat(sim.share(4, 8)).isCloseTo(0.65, Offset.offset(0.05));
      // All local endpoints out: everything to the other region.
      sim.subchannel(3).setState(ConnectivityState.TRANSIENT_FAILURE);
      sim.run(1000, MS);
      assertThat(sim.share(4, 8)).isEqualTo(1.0);
      for (int i = 0; i < 4; i++) {
        sim.subchannel(i).setState(ConnectivityState.READY);
      }
      sim.run(4000, MS); // slow start
      sim.run(4000, MS);
      assertThat(sim.share(4, 8)).isLessThan(0.01);
    }
  }

  @Test
  void localEndpointsFailing_areEjected_andTheOtherRegionTakesOver() {
    ElsConfig config = Simulation.testConfig().localRegion("a").build();
    Simulation.Behaviour[] eps = new Simulation.Behaviour[8];
    for (int i = 0; i < 8; i++) {
      eps[i] =
          i < 4 ? new Simulation.Behaviour(10 * MS, 0.9, MS) : Simulation.Behaviour.healthy(30);
    }
    try (Simulation sim = Simulation.withRegions(config, TWO_REGIONS, eps)) {
      sim.run(3000, MS);
      for (int i = 0; i < 4; i++) {
        assertThat(sim.endpoint(i).ejected).as("local endpoint %s", i).isTrue();
      }
      int failures = sim.failures;
      sim.run(3000, MS);
      // Only the probes of local endpoints back from ejection (half-open: one failure sends them
      // back).
      assertThat(sim.share(4, 8)).isGreaterThan(0.99);
      assertThat(sim.failures - failures).isLessThanOrEqualTo(4);
    }
  }

  @Test
  void overloadedLocalRegion_overflowsWhatItCannotServe_andTakesItBackWhenTheLoadDrops() {
    ElsConfig config = Simulation.testConfig().localRegion("a").build();
    // Two local and two remote endpoints, one slot each, 10 ms per request: 100 requests/s each;
    // the remote
    // ones 20 ms away.
    String[] regions = {"a", "a", "b", "b"};
    Simulation.Behaviour[] eps = {
      Simulation.Behaviour.queued(10, 1, 0),
      Simulation.Behaviour.queued(10, 1, 0),
      Simulation.Behaviour.queued(10, 1, 20),
      Simulation.Behaviour.queued(10, 1, 20)
    };
    try (Simulation sim = Simulation.withRegions(config, regions, eps)) {
      // 300 requests/s: the local region can serve 200 at most.
      sim.run(3000, 3333_333L);
      sim.run(6000, 3333_333L);
      assertThat(sim.share(2, 4)).isBetween(0.3, 0.7);
      assertThat(sim.meanLatency()).isLessThan(0.060); // no queue growing without bound
      // 60 requests/s: everything fits locally again.
      sim.run(600, 16_666_667L);
      sim.run(1200, 16_666_667L);
      assertThat(sim.share(2, 4)).isLessThan(0.03);
    }
  }

  @Test
  void endpointWithoutHistory_startsAtItsRegionsLatency_notTheClusters() {
    ExpectedLatencyModel model = new ExpectedLatencyModel(ElsConfig.ofDefaults());
    long now = 1_000_000_000L;
    EndpointStats near = stats(now, 50, 0.010);
    EndpointStats far = stats(now, 50, 0.050);
    EndpointStats farNew = new EndpointStats(1_000_000_000L, 10_000_000_000L, 5_000_000_000L, now);
    double[] expected = new double[3];
    double[] weights = new double[3];
    long[] since = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
    model.compute(
        now,
        new EndpointStats[] {near, far, farNew},
        since,
        new int[] {0, 1, 1},
        2,
        expected,
        weights);
    assertThat(expected[2]).isCloseTo(0.050, Offset.offset(0.002));
    // Without regions it starts at the cluster's average.
    model.compute(now, new EndpointStats[] {near, far, farNew}, since, null, 1, expected, weights);
    assertThat(expected[2]).isCloseTo(0.030, Offset.offset(0.002));
  }

  private static EndpointStats stats(long now, int successes, double latencySeconds) {
    EndpointStats s = new EndpointStats(1_000_000_000L, 10_000_000_000L, 5_000_000_000L, now);
    for (int i = 0; i < successes; i++) {
      s.started(now - (long) (latencySeconds * 1e9));
      s.finished(now, (long) (latencySeconds * 1e9), EndpointStats.Outcome.SUCCESS);
    }
    return s;
  }
}
