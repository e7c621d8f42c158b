package io.squadron.els;

import io.grpc.LoadBalancer.PickResult;
import io.grpc.LoadBalancer.PickSubchannelArgs;
import io.grpc.LoadBalancer.Subchannel;
import io.grpc.LoadBalancer.SubchannelPicker;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Picks one of the READY, non-ejected endpoints at random with probability proportional to its ELS weight,
 * computed at pick time from the live statistics. Immutable; takes no lock (the statistics are read through
 * volatile snapshots and atomic counters).
 */
final class ElsPicker extends SubchannelPicker {

  private final Subchannel[] subchannels;
  private final ElsTracerFactory[] tracers;
  private final EndpointStats[] stats;
  private final long[] slowStartSince;
  private final ExpectedLatencyModel model;
  private final LongSupplier ticker;
  private final DoubleSupplier random;

  /** One entry of the picker: everything it needs about one endpoint. */
  static final class Entry {
    final Subchannel subchannel;
    final ElsTracerFactory tracer;
    final EndpointStats stats;
    final long slowStartSince;

    Entry(Subchannel subchannel, ElsTracerFactory tracer, EndpointStats stats, long slowStartSince) {
      this.subchannel = subchannel;
      this.tracer = tracer;
      this.stats = stats;
      this.slowStartSince = slowStartSince;
    }
  }

  ElsPicker(List<Entry> entries, ExpectedLatencyModel model, LongSupplier ticker, DoubleSupplier random) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("entries: empty (expected: at least one)");
    }
    int n = entries.size();
    this.subchannels = new Subchannel[n];
    this.tracers = new ElsTracerFactory[n];
    this.stats = new EndpointStats[n];
    this.slowStartSince = new long[n];
    for (int i = 0; i < n; i++) {
      Entry e = entries.get(i);
      subchannels[i] = e.subchannel;
      tracers[i] = e.tracer;
      stats[i] = e.stats;
      slowStartSince[i] = e.slowStartSince;
    }
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
    double total = model.compute(ticker.getAsLong(), stats, slowStartSince, null, weights);
    double r = random.getAsDouble();
    if (!(total > 0) || Double.isInfinite(total)) {
      return Math.min(n - 1, (int) (r * n));
    }
    double target = r * total;
    double acc = 0;
    for (int i = 0; i < n; i++) {
      acc += weights[i];
      if (target < acc) {
        return i;
      }
    }
    return n - 1;
  }

  int size() {
    return subchannels.length;
  }

  Subchannel subchannel(int i) {
    return subchannels[i];
  }

  @Override
  public String toString() {
    return "ElsPicker{endpoints=" + subchannels.length + '}';
  }
}
