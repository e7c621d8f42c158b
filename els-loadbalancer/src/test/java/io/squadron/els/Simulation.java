package io.squadron.els;

import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.Metadata;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A discrete-event simulation of one client: arrivals at a fixed interval, each endpoint answering
 * after its own latency (optionally failing), all on a fake clock. No threads, no sleeping. An
 * endpoint may have a limited number of slots (a FIFO queue in front, so queueing is real) and a
 * network delay that adds to the latency without taking a slot (a far region).
 */
final class Simulation implements AutoCloseable {

  /** How an endpoint answers. */
  static final class Behaviour {
    volatile long latencyNanos;
    volatile double failureRate;
    volatile long failureLatencyNanos;

    /** Requests served at once; 0 for unlimited (no queueing). */
    volatile int slots;

    /** Round trip of the network to the endpoint: adds to every latency, takes no slot. */
    volatile long networkNanos;

    /** When each slot is free again (FIFO multi-server queue). */
    long[] slotFreeAt = new long[0];

    Behaviour(long latencyNanos, double failureRate, long failureLatencyNanos) {
      this.latencyNanos = latencyNanos;
      this.failureRate = failureRate;
      this.failureLatencyNanos = failureLatencyNanos;
    }

    static Behaviour healthy(double latencyMs) {
      return new Behaviour((long) (latencyMs * 1e6), 0, 0);
    }

    /**
     * An endpoint serving {@code slots} requests at once, each taking {@code serviceMs}, {@code
     * rttMs} away.
     */
    static Behaviour queued(double serviceMs, int slots, double rttMs) {
      Behaviour b = healthy(serviceMs);
      b.slots = slots;
      b.networkNanos = (long) (rttMs * 1e6);
      return b;
    }

    /** When a request arriving at {@code now} is answered (at the client). */
    long answerAt(long now, long serviceNanos) {
      if (slots <= 0) {
        return now + networkNanos + serviceNanos;
      }
      if (slotFreeAt.length != slots) {
        slotFreeAt = new long[slots];
      }
      int first = 0;
      for (int i = 1; i < slots; i++) {
        if (slotFreeAt[i] < slotFreeAt[first]) {
          first = i;
        }
      }
      long arrive = now + networkNanos / 2;
      long start = Math.max(arrive, slotFreeAt[first]);
      slotFreeAt[first] = start + serviceNanos;
      return start + serviceNanos + networkNanos / 2;
    }
  }

  private static final class Completion implements Comparable<Completion> {
    final long at;
    final ClientStreamTracer tracer;
    final Status status;

    Completion(long at, ClientStreamTracer tracer, Status status) {
      this.at = at;
      this.tracer = tracer;
      this.status = status;
    }

    @Override
    public int compareTo(Completion o) {
      return Long.compare(at, o.at);
    }
  }

  long now = 1_000_000_000L;
  final FakeHelper helper = new FakeHelper();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Random random = new Random(42);
  final ElsLoadBalancer lb;
  final List<EquivalentAddressGroup> groups = new ArrayList<>();
  final Map<LoadBalancer.Subchannel, Behaviour> behaviours = new HashMap<>();
  final Map<LoadBalancer.Subchannel, Integer> picks = new HashMap<>();

  /** Every pick in order, since the last {@link #run}. */
  final List<LoadBalancer.Subchannel> sequence = new ArrayList<>();

  private final PriorityQueue<Completion> pending = new PriorityQueue<>();
  private long nextTick;
  int failures;
  int successes;

  /** Sum of the latencies of the requests sent since the last {@link #run}, seconds. */
  double latencySum;

  Simulation(ElsConfig config, Behaviour... endpoints) {
    this(config, null, endpoints);
  }

  private Simulation(ElsConfig config, String[] regions, Behaviour... endpoints) {
    lb = new ElsLoadBalancer(helper, registry, () -> now, random::nextDouble);
    for (int i = 0; i < endpoints.length; i++) {
      groups.add(regions == null ? group(i) : group(i, regions[i]));
    }
    resolve(config);
    for (int i = 0; i < endpoints.length; i++) {
      behaviours.put(helper.subchannels.get(i), endpoints[i]);
      helper.subchannels.get(i).setState(ConnectivityState.READY);
    }
    nextTick = now + 250_000_000L;
  }

  /** A config for tests: the breaker ticks are driven by the simulation, never by a real timer. */
  static ElsConfig.Builder testConfig() {
    return ElsConfig.builder().breakerInterval(java.time.Duration.ofHours(1));
  }

  static EquivalentAddressGroup group(int i) {
    return new EquivalentAddressGroup(new InetSocketAddress("10.0.0." + (i + 1), 443));
  }

  /** Endpoint {@code i} in {@code region} (the resolver attribute). */
  static EquivalentAddressGroup group(int i, String region) {
    return new EquivalentAddressGroup(
        new InetSocketAddress("10.0.0." + (i + 1), 443),
        io.grpc.Attributes.newBuilder().set(ElsLoadBalancerProvider.REGION, region).build());
  }

  /** A simulation whose endpoint {@code i} is in {@code regions[i]}. */
  static Simulation withRegions(ElsConfig config, String[] regions, Behaviour... endpoints) {
    return new Simulation(config, regions, endpoints);
  }

  void resolve(ElsConfig config) {
    helper.syncContext.execute(
        () ->
            lb.acceptResolvedAddresses(
                LoadBalancer.ResolvedAddresses.newBuilder()
                    .setAddresses(new ArrayList<>(groups))
                    .setLoadBalancingPolicyConfig(config)
                    .build()));
  }

  FakeHelper.FakeSubchannel subchannel(int i) {
    return helper.subchannels.get(i);
  }

  /**
   * Runs {@code requests} arrivals, one every {@code intervalNanos}, with a breaker tick every 250
   * ms.
   */
  void run(int requests, long intervalNanos) {
    picks.clear();
    sequence.clear();
    latencySum = 0;
    for (int r = 0; r < requests; r++) {
      advanceTo(now + intervalNanos);
      send();
    }
  }

  void advanceTo(long t) {
    while (true) {
      Completion c = pending.peek();
      long next = Math.min(c == null ? Long.MAX_VALUE : c.at, nextTick);
      if (next > t) {
        break;
      }
      now = next;
      if (next == nextTick) {
        helper.syncContext.execute(lb::tick);
        nextTick += 250_000_000L;
      } else {
        pending.poll();
        c.tracer.streamClosed(c.status);
      }
    }
    now = t;
  }

  /** Picks an endpoint and schedules its answer. */
  LoadBalancer.Subchannel send() {
    LoadBalancer.PickResult result = helper.picker.pickSubchannel(null);
    LoadBalancer.Subchannel sc = result.getSubchannel();
    picks.merge(sc, 1, Integer::sum);
    sequence.add(sc);
    ClientStreamTracer tracer =
        result
            .getStreamTracerFactory()
            .newClientStreamTracer(
                ClientStreamTracer.StreamInfo.newBuilder().build(), new Metadata());
    Behaviour b = behaviours.get(sc);
    long at;
    Status status;
    if (random.nextDouble() < b.failureRate) {
      failures++;
      at = now + b.networkNanos + b.failureLatencyNanos;
      status = Status.UNAVAILABLE;
    } else {
      successes++;
      at = b.answerAt(now, b.latencyNanos);
      status = Status.OK;
    }
    latencySum += (at - now) / 1e9;
    pending.add(new Completion(at, tracer, status));
    return sc;
  }

  double share(int endpoint) {
    int total = picks.values().stream().mapToInt(Integer::intValue).sum();
    return picks.getOrDefault(subchannel(endpoint), 0) / (double) total;
  }

  /** Share of the picks since the last {@link #run} that went to endpoints {@code from..to-1}. */
  double share(int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += share(i);
    }
    return s;
  }

  /** Mean latency of the requests sent since the last {@link #run}, seconds. */
  double meanLatency() {
    return latencySum / sequence.size();
  }

  ElsLoadBalancer.Endpoint endpoint(int i) {
    return lb.endpoint(groups.get(i));
  }

  @Override
  public void close() {
    helper.syncContext.execute(lb::shutdown);
    helper.close();
  }
}
