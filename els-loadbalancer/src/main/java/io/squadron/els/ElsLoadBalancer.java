package io.squadron.els;

import static io.grpc.ConnectivityState.CONNECTING;
import static io.grpc.ConnectivityState.IDLE;
import static io.grpc.ConnectivityState.READY;
import static io.grpc.ConnectivityState.SHUTDOWN;
import static io.grpc.ConnectivityState.TRANSIENT_FAILURE;

import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.Status;
import io.grpc.SynchronizationContext.ScheduledHandle;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code els} balancer. One subchannel per resolved address group, kept like round_robin does
 * (picks only READY subchannels, asks IDLE ones to reconnect, keeps the statistics of endpoints
 * that stay across name-resolution updates). All state changes happen in the channel's
 * SynchronizationContext; pickers are immutable.
 */
final class ElsLoadBalancer extends LoadBalancer {

  private static final Logger log = LoggerFactory.getLogger(ElsLoadBalancer.class);

  private final Helper helper;
  private final LongSupplier ticker;
  private final DoubleSupplier random;
  private final ElsMetrics metrics;
  private final Map<EquivalentAddressGroup, Endpoint> endpoints = new LinkedHashMap<>();
  private ElsConfig config = ElsConfig.ofDefaults();
  private ExpectedLatencyModel model = new ExpectedLatencyModel(config);
  private ScheduledHandle tick;
  private long tickIntervalNanos;
  private Status lastError = Status.UNAVAILABLE.withDescription("no endpoint connected yet");
  private boolean shutdown;
  private final AtomicBoolean breakerPending = new AtomicBoolean();

  /**
   * Shared by this balancer's successive pickers, so the sequence continues across picker updates.
   */
  private QuasiRandom quasi;

  ElsLoadBalancer(
      Helper helper, MeterRegistry registry, LongSupplier ticker, DoubleSupplier random) {
    this.helper = helper;
    this.ticker = ticker;
    this.random = random;
    this.metrics =
        new ElsMetrics(
            registry, helper.getAuthority(), Integer.toHexString(System.identityHashCode(this)));
  }

  @Override
  public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
    if (shutdown) {
      return Status.OK;
    }
    List<EquivalentAddressGroup> groups = resolved.getAddresses();
    if (groups.isEmpty()) {
      Status error =
          Status.UNAVAILABLE.withDescription(
              "name resolution returned no address for " + helper.getAuthority());
      handleNameResolutionError(error);
      return error;
    }
    Object parsed = resolved.getLoadBalancingPolicyConfig();
    ElsConfig newConfig = parsed instanceof ElsConfig ? (ElsConfig) parsed : ElsConfig.ofDefaults();
    boolean newClock =
        newConfig.decayTimeNanos() != config.decayTimeNanos()
            || newConfig.breakerWindowNanos() != config.breakerWindowNanos()
            || newConfig.parallelismWindowNanos() != config.parallelismWindowNanos();
    config = newConfig;
    model = new ExpectedLatencyModel(newConfig);

    Map<EquivalentAddressGroup, EquivalentAddressGroup> wanted = new LinkedHashMap<>();
    for (EquivalentAddressGroup g : groups) {
      wanted.putIfAbsent(new EquivalentAddressGroup(g.getAddresses()), g);
    }
    for (Iterator<Map.Entry<EquivalentAddressGroup, Endpoint>> it = endpoints.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<EquivalentAddressGroup, Endpoint> e = it.next();
      if (!wanted.containsKey(e.getKey())) {
        it.remove();
        e.getValue().close();
      }
    }
    long now = ticker.getAsLong();
    for (Map.Entry<EquivalentAddressGroup, EquivalentAddressGroup> w : wanted.entrySet()) {
      Endpoint ep = endpoints.get(w.getKey());
      if (ep == null) {
        ep = new Endpoint(w.getKey(), w.getValue());
        endpoints.put(w.getKey(), ep);
        ep.start();
      } else {
        ep.subchannel.updateAddresses(List.of(w.getValue()));
        ep.region = regionOf(w.getValue());
        if (newClock) {
          ep.newStats();
        }
      }
    }
    scheduleTick();
    updateBalancingState();
    log.debug("els for {}: {} endpoints at {}", helper.getAuthority(), endpoints.size(), now);
    return Status.OK;
  }

  private static String regionOf(EquivalentAddressGroup group) {
    String region = group.getAttributes().get(ElsLoadBalancerProvider.REGION);
    return region == null ? "" : region;
  }

  @Override
  public void handleNameResolutionError(Status error) {
    if (shutdown) {
      return;
    }
    lastError = error;
    if (endpoints.values().stream().noneMatch(e -> e.state.getState() == READY)) {
      helper.updateBalancingState(
          TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(error)));
    }
  }

  @Override
  public void requestConnection() {
    for (Endpoint ep : endpoints.values()) {
      if (ep.state.getState() == IDLE) {
        ep.subchannel.requestConnection();
      }
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    if (tick != null) {
      tick.cancel();
      tick = null;
    }
    for (Endpoint ep : endpoints.values()) {
      ep.close();
    }
    endpoints.clear();
  }

  private void scheduleTick() {
    if (tick != null && tickIntervalNanos == config.breakerIntervalNanos()) {
      return;
    }
    if (tick != null) {
      tick.cancel();
    }
    tickIntervalNanos = config.breakerIntervalNanos();
    tick =
        helper
            .getSynchronizationContext()
            .scheduleWithFixedDelay(
                this::tick,
                tickIntervalNanos,
                tickIntervalNanos,
                TimeUnit.NANOSECONDS,
                helper.getScheduledExecutorService());
  }

  /**
   * The periodic work, in the SynchronizationContext: returns endpoints whose ejection expired,
   * runs the relative circuit breaker, refreshes the metrics.
   */
  void tick() {
    if (shutdown) {
      return;
    }
    long now = ticker.getAsLong();
    boolean changed = false;
    List<Endpoint> all = new ArrayList<>(endpoints.values());
    for (Endpoint ep : all) {
      if (ep.ejected && now - ep.ejectedUntil >= 0) {
        ep.ejected = false;
        ep.returnedAt = now;
        ep.probation = true;
        ep.slowStartSince = now;
        ep.stats.restart(now);
        changed = true;
        log.info(
            "els {}: endpoint {} back from ejection, probing it (slow start)",
            helper.getAuthority(),
            ep.name);
      }
    }
    if (config.breakerEnabled()) {
      changed |= runBreaker(now, all);
    }
    refreshMetrics(now, all);
    if (changed) {
      updateBalancingState();
    }
  }

  private boolean runBreaker(long now, List<Endpoint> all) {
    int n = all.size();
    RelativeCircuitBreaker.Record[] records = new RelativeCircuitBreaker.Record[n];
    for (int i = 0; i < n; i++) {
      Endpoint ep = all.get(i);
      EndpointStats.Snapshot s = ep.stats.snapshot();
      double d = s.decay(now, ep.stats.breakerTauNanos());
      if (ep.probation && s.recentCount > 0 && (~s.recentFailures & lowBits(s.recentCount)) != 0) {
        ep.probation = false; // a probe succeeded: out of the half-open state
      }
      records[i] =
          new RelativeCircuitBreaker.Record(
              s.breakerOk * d,
              s.breakerFail * d,
              s.recentFailures,
              s.recentCount,
              ep.ejected,
              ep.state.getState() == READY,
              ep.probation);
    }
    RelativeCircuitBreaker.Result r = RelativeCircuitBreaker.evaluate(config, records);
    for (RelativeCircuitBreaker.Verdict v : r.eject) {
      Endpoint ep = all.get(v.index);
      long duration =
          Math.min(
              config.maxEjectionTimeNanos(),
              config.baseEjectionTimeNanos() << Math.min(ep.ejections, 20));
      if (duration <= 0) {
        duration = config.maxEjectionTimeNanos();
      }
      ep.ejected = true;
      ep.ejectedUntil = now + duration;
      ep.probation = false;
      ep.ejections++;
      ep.meters.ejected();
      log.warn(
          "els {}: ejecting endpoint {} for {} ms: failure rate {} vs {} for the other endpoints "
              + "(over {} recent requests, evidence {}; ejection #{})",
          helper.getAuthority(),
          ep.name,
          duration / 1_000_000,
          pct(v.failureRate),
          pct(v.referenceRate),
          String.format("%.1f", v.volume),
          String.format("%.1f", v.evidence),
          ep.ejections);
    }
    for (RelativeCircuitBreaker.Verdict v : r.spared) {
      log.info(
          "els {}: endpoint {} fails {} vs {} for the others but the ejection cap ({}%) is reached",
          helper.getAuthority(),
          all.get(v.index).name,
          pct(v.failureRate),
          pct(v.referenceRate),
          config.maxEjectionPercent());
    }
    for (RelativeCircuitBreaker.Verdict v : r.healthy) {
      Endpoint ep = all.get(v.index);
      if (ep.ejections > 0 && now - ep.returnedAt >= config.maxEjectionTimeNanos()) {
        ep.ejections = 0;
      }
    }
    return !r.eject.isEmpty();
  }

  private static long lowBits(int count) {
    return count >= 64 ? -1L : (1L << count) - 1;
  }

  /**
   * Called by the tracers after a failure, on a transport thread: the breaker judges at once rather
   * than at the next tick, so a failing endpoint gets no more requests than the evidence needs.
   * Coalesced.
   */
  private void failureSeen() {
    if (breakerPending.compareAndSet(false, true)) {
      helper
          .getSynchronizationContext()
          .execute(
              () -> {
                breakerPending.set(false);
                if (shutdown || !config.breakerEnabled()) {
                  return;
                }
                if (runBreaker(ticker.getAsLong(), new ArrayList<>(endpoints.values()))) {
                  updateBalancingState();
                }
              });
    }
  }

  private static String pct(double rate) {
    return String.format("%.1f%%", rate * 100);
  }

  private void refreshMetrics(long now, List<Endpoint> all) {
    int n = all.size();
    EndpointStats[] stats = new EndpointStats[n];
    long[] since = new long[n];
    for (int i = 0; i < n; i++) {
      stats[i] = all.get(i).stats;
      since[i] = all.get(i).slowStartSince;
    }
    double[] expected = new double[n];
    double[] weights = new double[n];
    Regions regions = regions();
    int[] region = new int[n];
    for (int i = 0; i < n; i++) {
      region[i] = regions.index(all.get(i).region);
    }
    model.compute(now, stats, since, region, regions.count(), expected, weights);
    double candidates = 0;
    for (int i = 0; i < n; i++) {
      if (all.get(i).isCandidate()) {
        candidates += weights[i];
      }
    }
    for (int i = 0; i < n; i++) {
      Endpoint ep = all.get(i);
      ep.expectedLatency = expected[i];
      ep.weightShare = ep.isCandidate() && candidates > 0 ? weights[i] / candidates : 0;
      EndpointStats.Snapshot s = ep.stats.snapshot();
      double volume = s.okCount + s.failCount;
      ep.successRate = volume > 0 ? s.okCount / volume : Double.NaN;
    }
  }

  private void updateBalancingState() {
    if (shutdown) {
      return;
    }
    List<ElsPicker.Entry> ready = new ArrayList<>();
    List<ElsPicker.Entry> ejectedReady = new ArrayList<>();
    boolean connecting = false;
    Regions regions = regions();
    String localRegion = config.localRegion();
    int localEndpoints = 0;
    for (Endpoint ep : endpoints.values()) {
      boolean local = localRegion != null && localRegion.equals(ep.region);
      localEndpoints += local ? 1 : 0;
      ConnectivityState s = ep.state.getState();
      if (s == READY) {
        (ep.ejected ? ejectedReady : ready)
            .add(
                new ElsPicker.Entry(
                    ep.subchannel,
                    ep.tracer,
                    ep.stats,
                    ep.slowStartSince,
                    regions.index(ep.region),
                    local));
      } else if (s == CONNECTING || s == IDLE) {
        connecting = true;
      }
    }
    if (!ready.isEmpty() || !ejectedReady.isEmpty()) {
      List<ElsPicker.Entry> entries = ready.isEmpty() ? ejectedReady : ready;
      long localInService = entries.stream().filter(e -> e.local).count();
      // Envoy's priority spillover: the local tier keeps everything while overprovisioning *
      // inService >= all.
      double localShare =
          localEndpoints == 0
              ? 0
              : Math.min(1, config.overprovisioningFactor() * localInService / localEndpoints);
      helper.updateBalancingState(
          READY, new ElsPicker(entries, regions.count(), localShare, model, ticker, pickSource()));
    } else if (connecting) {
      helper.updateBalancingState(CONNECTING, new FixedResultPicker(PickResult.withNoResult()));
    } else {
      helper.updateBalancingState(
          TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(lastError)));
    }
  }

  private DoubleSupplier pickSource() {
    if (!config.quasiRandom()) {
      return random;
    }
    if (quasi == null) {
      quasi = new QuasiRandom(random.getAsDouble());
    }
    return quasi;
  }

  /** The distinct regions of the current endpoints, indexed in order of first appearance. */
  private Regions regions() {
    Map<String, Integer> index = new LinkedHashMap<>();
    for (Endpoint ep : endpoints.values()) {
      index.putIfAbsent(ep.region, index.size());
    }
    return new Regions(index);
  }

  /** Region names to dense indexes. */
  private static final class Regions {
    private final Map<String, Integer> index;

    Regions(Map<String, Integer> index) {
      this.index = index;
    }

    int index(String region) {
      Integer i = index.get(region);
      return i == null ? 0 : i;
    }

    int count() {
      return Math.max(1, index.size());
    }
  }

  /** Test hook: the endpoint for an address group (attributes ignored), or null. */
  Endpoint endpoint(EquivalentAddressGroup group) {
    return endpoints.get(new EquivalentAddressGroup(group.getAddresses()));
  }

  /** One resolved address group: its subchannel, statistics, breaker state and meters. */
  final class Endpoint implements ElsMetrics.View {
    final EquivalentAddressGroup key;
    final String name;
    final Subchannel subchannel;

    /** The region from the resolver ({@link ElsLoadBalancerProvider#REGION}), "" when unknown. */
    String region;

    EndpointStats stats;
    ElsTracerFactory tracer;
    ConnectivityStateInfo state = ConnectivityStateInfo.forNonError(IDLE);
    long slowStartSince = Long.MIN_VALUE;
    boolean ejected;
    long ejectedUntil;
    long returnedAt = Long.MIN_VALUE / 2;

    /** Back from ejection with no success since: a failed probe ejects it again (half-open). */
    boolean probation;

    int ejections;
    volatile double weightShare;
    volatile double expectedLatency = Double.NaN;
    volatile double successRate = Double.NaN;
    final ElsMetrics.Handle meters;

    Endpoint(EquivalentAddressGroup key, EquivalentAddressGroup group) {
      this.key = key;
      this.name =
          key.getAddresses().size() == 1 ? key.getAddresses().get(0).toString() : key.toString();
      this.subchannel =
          helper.createSubchannel(CreateSubchannelArgs.newBuilder().setAddresses(group).build());
      this.region = regionOf(group);
      newStats();
      this.meters = metrics.register(name, this);
    }

    void newStats() {
      stats =
          new EndpointStats(
              config.decayTimeNanos(),
              config.breakerWindowNanos(),
              config.parallelismWindowNanos(),
              ticker.getAsLong());
      tracer = new ElsTracerFactory(stats, ticker, ElsLoadBalancer.this::failureSeen);
    }

    void start() {
      subchannel.start(this::onState);
      subchannel.requestConnection();
    }

    boolean isCandidate() {
      return state.getState() == READY && !ejected;
    }

    private void onState(ConnectivityStateInfo info) {
      if (shutdown || endpoints.get(key) != this) {
        return;
      }
      ConnectivityState s = info.getState();
      if (s == SHUTDOWN) {
        return;
      }
      ConnectivityState previous = state.getState();
      if (s == IDLE) {
        subchannel.requestConnection();
      }
      if (s == TRANSIENT_FAILURE) {
        lastError = info.getStatus();
      }
      if (s == READY && previous != READY) {
        long now = ticker.getAsLong();
        slowStartSince = now;
        stats.restartBusy(now);
        stats.forgetRecent();
      }
      // Like round_robin: once in TRANSIENT_FAILURE, stay there until READY (no flapping via
      // CONNECTING).
      if (!(previous == TRANSIENT_FAILURE && (s == CONNECTING || s == IDLE))) {
        state = info;
      }
      updateBalancingState();
    }

    void close() {
      subchannel.shutdown();
      metrics.remove(meters);
    }

    @Override
    public double weightShare() {
      return weightShare;
    }

    @Override
    public double expectedLatencySeconds() {
      return expectedLatency;
    }

    @Override
    public double outstanding() {
      return stats.outstanding();
    }

    @Override
    public double successRate() {
      return successRate;
    }

    @Override
    public double ejected() {
      return ejected ? 1 : 0;
    }
  }
}
