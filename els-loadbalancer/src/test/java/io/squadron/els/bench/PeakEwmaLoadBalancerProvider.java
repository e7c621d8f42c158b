package io.squadron.els.bench;

import static io.grpc.ConnectivityState.CONNECTING;
import static io.grpc.ConnectivityState.IDLE;
import static io.grpc.ConnectivityState.READY;
import static io.grpc.ConnectivityState.SHUTDOWN;
import static io.grpc.ConnectivityState.TRANSIENT_FAILURE;

import io.grpc.ClientStreamTracer;
import io.grpc.ConnectivityState;
import io.grpc.ConnectivityStateInfo;
import io.grpc.EquivalentAddressGroup;
import io.grpc.LoadBalancer;
import io.grpc.LoadBalancerProvider;
import io.grpc.Metadata;
import io.grpc.NameResolver.ConfigOrError;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A reference policy for the benchmark, not shipped: Finagle's power of two choices with the
 * Peak-EWMA load metric ({@code Balancers.p2cPeakEwma}; linkerd2-proxy and tower use the same
 * algorithm). Each endpoint keeps an exponentially weighted moving average of its round-trip times
 * that jumps to any sample above it (the peak) and otherwise decays towards new samples with weight
 * {@code exp(-dt / decayTime)}; it also decays towards 0 as time passes without samples. A pick
 * draws two distinct READY endpoints at random and takes the one with the lower {@code cost = ewma
 * * (pending + 1)}; an endpoint without history but with a request pending costs a penalty, so it
 * is probed by one request first. Every completed call is a sample, failures included (as in
 * Finagle: failures are Finagle's failure accrual's business, which is another module). Decay time
 * 10 s, Finagle's default. Named {@code p2c_peak_ewma}; config {@code {}}.
 */
final class PeakEwmaLoadBalancerProvider extends LoadBalancerProvider {

  static final String NAME = "p2c_peak_ewma";
  static final double DECAY_NANOS = 10e9;

  /** Finagle's penalty for a host without latency history that has requests pending. */
  static final double PENALTY = Long.MAX_VALUE >> 16;

  @Override
  public boolean isAvailable() {
    return true;
  }

  @Override
  public int getPriority() {
    return 5;
  }

  @Override
  public String getPolicyName() {
    return NAME;
  }

  @Override
  public ConfigOrError parseLoadBalancingPolicyConfig(Map<String, ?> rawConfig) {
    return ConfigOrError.fromConfig(NAME);
  }

  @Override
  public LoadBalancer newLoadBalancer(LoadBalancer.Helper helper) {
    return new PeakEwmaLoadBalancer(helper);
  }

  /** The Peak-EWMA load metric of one endpoint (Finagle's {@code PeakEwma.Metric}). */
  static final class Metric {
    private long stamp = System.nanoTime();
    private int pending;
    private double cost;

    /** Updates the EWMA with a round-trip time (0 only decays it). Caller holds the lock. */
    private void observe(double rtt, long now) {
      long td = Math.max(now - stamp, 0);
      double w = Math.exp(-td / DECAY_NANOS);
      if (rtt > cost) {
        cost = rtt;
      } else {
        cost = cost * w + rtt * (1 - w);
      }
      stamp = now;
    }

    synchronized double load() {
      observe(0, System.nanoTime());
      if (cost == 0 && pending != 0) {
        return PENALTY + pending;
      }
      return cost * (pending + 1);
    }

    synchronized long start() {
      pending++;
      return System.nanoTime();
    }

    synchronized void end(long startNanos) {
      long now = System.nanoTime();
      pending--;
      observe(Math.max(now - startNanos, 0), now);
    }
  }

  private static final class PeakEwmaLoadBalancer extends LoadBalancer {
    private final Helper helper;
    private final Map<EquivalentAddressGroup, Endpoint> endpoints = new LinkedHashMap<>();
    private Status lastError = Status.UNAVAILABLE.withDescription("no endpoint connected yet");

    PeakEwmaLoadBalancer(Helper helper) {
      this.helper = helper;
    }

    @Override
    public Status acceptResolvedAddresses(ResolvedAddresses resolved) {
      Map<EquivalentAddressGroup, EquivalentAddressGroup> wanted = new LinkedHashMap<>();
      for (EquivalentAddressGroup g : resolved.getAddresses()) {
        wanted.putIfAbsent(new EquivalentAddressGroup(g.getAddresses()), g);
      }
      endpoints
          .entrySet()
          .removeIf(
              e -> {
                if (!wanted.containsKey(e.getKey())) {
                  e.getValue().subchannel.shutdown();
                  return true;
                }
                return false;
              });
      for (Map.Entry<EquivalentAddressGroup, EquivalentAddressGroup> w : wanted.entrySet()) {
        if (!endpoints.containsKey(w.getKey())) {
          Endpoint ep = new Endpoint(w.getKey(), w.getValue());
          endpoints.put(w.getKey(), ep);
          ep.subchannel.start(ep::onState);
          ep.subchannel.requestConnection();
        }
      }
      update();
      return Status.OK;
    }

    @Override
    public void handleNameResolutionError(Status error) {
      lastError = error;
      update();
    }

    @Override
    public void shutdown() {
      endpoints.values().forEach(e -> e.subchannel.shutdown());
      endpoints.clear();
    }

    private void update() {
      List<Endpoint> ready = new ArrayList<>();
      boolean connecting = false;
      for (Endpoint ep : endpoints.values()) {
        if (ep.state == READY) {
          ready.add(ep);
        } else if (ep.state == CONNECTING || ep.state == IDLE) {
          connecting = true;
        }
      }
      if (!ready.isEmpty()) {
        helper.updateBalancingState(READY, new Picker(ready));
      } else if (connecting) {
        helper.updateBalancingState(CONNECTING, new FixedResultPicker(PickResult.withNoResult()));
      } else {
        helper.updateBalancingState(
            TRANSIENT_FAILURE, new FixedResultPicker(PickResult.withError(lastError)));
      }
    }

    private final class Endpoint {
      final EquivalentAddressGroup key;
      final Subchannel subchannel;
      final Metric metric = new Metric();
      final ClientStreamTracer.Factory tracer =
          new ClientStreamTracer.Factory() {
            @Override
            public ClientStreamTracer newClientStreamTracer(
                ClientStreamTracer.StreamInfo info, Metadata headers) {
              long start = metric.start();
              return new ClientStreamTracer() {
                private boolean closed;

                @Override
                public void streamClosed(Status status) {
                  synchronized (this) {
                    if (closed) {
                      return;
                    }
                    closed = true;
                  }
                  metric.end(start);
                }
              };
            }
          };
      ConnectivityState state = IDLE;

      Endpoint(EquivalentAddressGroup key, EquivalentAddressGroup group) {
        this.key = key;
        this.subchannel =
            helper.createSubchannel(CreateSubchannelArgs.newBuilder().setAddresses(group).build());
      }

      void onState(ConnectivityStateInfo info) {
        if (endpoints.get(key) != this || info.getState() == SHUTDOWN) {
          return;
        }
        if (info.getState() == IDLE) {
          subchannel.requestConnection();
        }
        if (info.getState() == TRANSIENT_FAILURE) {
          lastError = info.getStatus();
        }
        // Like round_robin: once in TRANSIENT_FAILURE, stay there until READY.
        if (!(state == TRANSIENT_FAILURE
            && (info.getState() == CONNECTING || info.getState() == IDLE))) {
          state = info.getState();
        }
        update();
      }
    }

    private static final class Picker extends SubchannelPicker {
      private final List<Endpoint> ready;

      Picker(List<Endpoint> ready) {
        this.ready = ready;
      }

      @Override
      public PickResult pickSubchannel(PickSubchannelArgs args) {
        Endpoint chosen;
        int n = ready.size();
        if (n == 1) {
          chosen = ready.get(0);
        } else {
          ThreadLocalRandom r = ThreadLocalRandom.current();
          int a = r.nextInt(n);
          int b = r.nextInt(n - 1);
          if (b >= a) {
            b++;
          }
          Endpoint ea = ready.get(a);
          Endpoint eb = ready.get(b);
          chosen = ea.metric.load() <= eb.metric.load() ? ea : eb;
        }
        return PickResult.withSubchannel(chosen.subchannel, chosen.tracer);
      }
    }
  }
}
