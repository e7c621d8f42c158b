package io.squadron.els;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters of one balancer, per endpoint: {@code els.endpoint.weight} (share of picks,
 * 0..1), {@code els.endpoint.expected.latency} (seconds), {@code els.endpoint.outstanding}, {@code
 * els.endpoint.success.rate}, {@code els.endpoint.ejected} (1 or 0) and the counter {@code
 * els.endpoint.ejections}. Tags: {@code target} (the channel's authority), {@code endpoint} (the
 * address) and {@code balancer} (tells apart several channels to the same target).
 */
final class ElsMetrics {

  /** The values the gauges read. */
  interface View {
    double weightShare();

    double expectedLatencySeconds();

    double outstanding();

    double successRate();

    double ejected();
  }

  /** The meters of one endpoint. */
  static final class Handle {
    private final List<Meter> meters;
    private final Counter ejections;

    private Handle(List<Meter> meters, Counter ejections) {
      this.meters = meters;
      this.ejections = ejections;
    }

    void ejected() {
      ejections.increment();
    }
  }

  private final MeterRegistry registry;
  private final Tags tags;

  ElsMetrics(MeterRegistry registry, String target, String balancerId) {
    this.registry = registry;
    this.tags = Tags.of("target", target == null ? "" : target, "balancer", balancerId);
  }

  Handle register(String endpoint, View view) {
    Tags t = tags.and("endpoint", endpoint);
    List<Meter> meters = new ArrayList<>();
    meters.add(
        gauge(
            "els.endpoint.weight",
            "share of this client's picks going to the endpoint",
            t,
            view,
            View::weightShare));
    meters.add(
        gauge(
            "els.endpoint.expected.latency",
            "expected latency of a request sent to the endpoint",
            t,
            view,
            View::expectedLatencySeconds));
    meters.add(
        gauge(
            "els.endpoint.outstanding",
            "requests in flight to the endpoint",
            t,
            view,
            View::outstanding));
    meters.add(
        gauge(
            "els.endpoint.success.rate",
            "decayed success rate of the endpoint",
            t,
            view,
            View::successRate));
    meters.add(
        gauge(
            "els.endpoint.ejected",
            "1 while the relative circuit breaker ejects the endpoint",
            t,
            view,
            View::ejected));
    Counter ejections =
        Counter.builder("els.endpoint.ejections")
            .description("ejections by the relative circuit breaker")
            .tags(t)
            .register(registry);
    meters.add(ejections);
    return new Handle(meters, ejections);
  }

  void remove(Handle handle) {
    for (Meter m : handle.meters) {
      registry.remove(m);
    }
  }

  private Gauge gauge(
      String name, String description, Tags t, View view, ToDoubleFunction<View> f) {
    return Gauge.builder(name, view, f)
        .description(description)
        .tags(t)
        .strongReference(true)
        .register(registry);
  }
}
