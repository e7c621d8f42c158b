package io.squadron.els;

import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancer.SubchannelPicker;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Picks one of the READY, non-ejected endpoints at random with probability proportional to its ELS
 * weight, computed at pick time from the live statistics. Immutable; takes no lock (the statistics
 * are read through volatile snapshots and atomic counters).
 *
 * <p>With a local region, the endpoints form two tiers, local and remote, after Envoy's priority
 * levels. A pick goes to the local tier with probability {@code h = min(1, overprovisioningFactor *
 * inService / all)} of the local endpoints (Envoy's spillover when local endpoints are ejected or
 * gone), and there to an endpoint {@code i} by the weights. If {@code i}'s effective latency
 * (expected latency with failures priced in, the measure the weights rank by) exceeds that of the
 * remote tier (weight-averaged over the remote endpoints, measured with the round trip to them) by
 * more than a typical local request ({@code Ls*} of the local region), the request overflows to a
 * remote endpoint instead: the local region is overloaded or failing for this request. That is the
 * threshold policy for a fast and a slow server (use the slow one only when the fast one's queue
 * makes it slower), with a margin of one request so that regions equally near do not trade requests
 * on noise.
 */
final class ElsPicker extends SubchannelPicker {

  private final Subchannel[] subchannels;
  private final ElsTracerFactory[] tracers;
  private final EndpointStats[] stats;
  private final long[] slowStartSince;
  private final int[] region;
  private final int regions;

  /** Index of the local region (0 when untiered). */
  private final int localRegion;

  private final boolean[] local;

  /** Whether there are both local and remote endpoints (else every endpoint is one tier). */
  private final boolean tiered;

  /** Probability that a pick goes to the local tier before the overflow check. */
  private final double localShare;

  private final ExpectedLatencyModel model;
  private final LongSupplier ticker;
  private final DoubleSupplier random;

  /** One entry of the picker: everything it needs about one endpoint. */
  static final class Entry {
    final Subchannel subchannel;
    final ElsTracerFactory tracer;
    final EndpointStats stats;
    final long slowStartSince;

    /** Index of the endpoint's region among the balancer's regions (0 when there are none). */
    final int region;

    final boolean local;

    Entry(
        Subchannel subchannel, ElsTracerFactory tracer, EndpointStats stats, long slowStartSince) {
      this(subchannel, tracer, stats, slowStartSince, 0, true);
    }

    Entry(
        Subchannel subchannel,
        ElsTracerFactory tracer,
        EndpointStats stats,
        long slowStartSince,
        int region,
        boolean local) {
      this.subchannel = subchannel;
      this.tracer = tracer;
      this.stats = stats;
      this.slowStartSince = slowStartSince;
      this.region = region;
      this.local = local;
    }
  }

  ElsPicker(
      List<Entry> entries, ExpectedLatencyModel model, LongSupplier ticker, DoubleSupplier random) {
    this(entries, 1, 1.0, model, ticker, random);
  }

  /**
   * A picker over {@code entries}.
   *
   * @param regions the number of distinct region indexes of the entries
   * @param localShare {@code h}, the probability of picking in the local tier (ignored without two
   *     tiers)
   */
  ElsPicker(
      List<Entry> entries,
      int regions,
      double localShare,
      ExpectedLatencyModel model,
      LongSupplier ticker,
      DoubleSupplier random) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("entries: empty (expected: at least one)");
    }
    int n = entries.size();
    this.subchannels = new Subchannel[n];
    this.tracers = new ElsTracerFactory[n];
    this.stats = new EndpointStats[n];
    this.slowStartSince = new long[n];
    this.region = new int[n];
    this.local = new boolean[n];
    int locals = 0;
    int localIndex = 0;
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      subchannels[i] = e.subchannel;
      tracers[i] = e.tracer;
      stats[i] = e.stats;
      slowStartSince[i] = e.slowStartSince;
      region[i] = e.region;
      local[i] = e.local;
      if (e.local) {
        locals++;
        localIndex = e.region;
      }
    }
    this.localRegion = localIndex;
    this.regions = Math.max(1, regions);
    this.tiered = locals > 0 && locals < n;
    this.localShare = locals == 0 ? 0 : Math.max(0, Math.min(1, localShare));
    this.model = model;
    this.ticker = ticker;
    this.random = random;
  }

  @Override
  public PickResult pickSubchannel(PickSubchannelArgs args) {
    int i = subchannels.length == 1 ? 0 : choose();
    return PickResult.withSubchannel(subchannels[i], tracers[i]);
  }

  /** Index of the chosen endpoint. */
  int choose() {
    int n = subchannels.length;
    double[] weights = new double[n];
    double[] effective = tiered ? new double[n] : null;
    double[] regionLatency = tiered ? new double[regions] : null;
    double total =
        model.compute(
            ticker.getAsLong(),
            stats,
            slowStartSince,
            region,
            regions,
            null,
            effective,
            regionLatency,
            weights);
    double r = random.getAsDouble();
    if (!(total > 0) || Double.isInfinite(total)) {
      return Math.min(n - 1, (int) (r * n));
    }
    if (!tiered) {
      return pick(weights, total, r, null, false);
    }
    double localTotal = 0;
    double remoteTotal = 0;
    double remoteEffective = 0;
    for (int i = 0; i < n; i++) {
      if (local[i]) {
        localTotal += weights[i];
      } else {
        remoteTotal += weights[i];
        remoteEffective += weights[i] * effective[i];
      }
    }
    if (!(remoteTotal > 0)) {
      return pick(weights, localTotal, r, local, true);
    }
    if (r < localShare && localTotal > 0) {
      double u = r / localShare;
      int i = pick(weights, localTotal, u, local, true);
      if (effective[i] > remoteEffective / remoteTotal + regionLatency[localRegion]) {
        return pick(weights, remoteTotal, u, local, false);
      }
      return i;
    }
    double u = localShare < 1 ? (r - localShare) / (1 - localShare) : r;
    return pick(weights, remoteTotal, u, local, false);
  }

  /**
   * Inverse-CDF pick with {@code u} in [0, 1) over the entries whose tier is {@code tier} (all when
   * null).
   */
  private static int pick(double[] weights, double total, double u, boolean[] tiers, boolean tier) {
    double target = u * total;
    double acc = 0;
    int last = -1;
    for (int i = 0; i < weights.length; i++) {
      if (tiers != null && tiers[i] != tier) {
        continue;
      }
      last = i;
      acc += weights[i];
      if (target < acc) {
        return i;
      }
    }
    return last < 0 ? weights.length - 1 : last;
  }

  int size() {
    return subchannels.length;
  }

  Subchannel subchannel(int i) {
    return subchannels[i];
  }

  /**
   * The probability of picking in the local tier before the overflow check (1 without two tiers).
   */
  double localShare() {
    return tiered ? localShare : 1.0;
  }

  @Override
  public String toString() {
    return "ElsPicker{endpoints="
        + subchannels.length
        + ", tiered="
        + tiered
        + ", localShare="
        + localShare
        + '}';
  }
}
