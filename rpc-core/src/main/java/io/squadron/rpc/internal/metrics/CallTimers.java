package io.squadron.rpc.internal.metrics;

import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.squadron.rpc.metrics.MetricsSettings;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The timers of one (method, peer) pair, one per status code, registered on first use. Looking a
 * timer up by tags on every call would cost more than the rest of the chain, so they are cached
 * here by status code.
 */
final class CallTimers {
  private final MeterRegistry registry;
  private final String name;
  private final Tags tags;
  private final MetricsSettings settings;
  private final AtomicReferenceArray<Timer> byCode =
      new AtomicReferenceArray<>(Status.Code.values().length);

  CallTimers(MeterRegistry registry, String name, Tags tags, MetricsSettings settings) {
    this.registry = registry;
    this.name = name;
    this.tags = tags;
    this.settings = settings;
  }

  Timer forCode(Status.Code code) {
    Timer timer = byCode.get(code.value());
    if (timer == null) {
      Timer.Builder builder =
          Timer.builder(name)
              .tags(tags)
              .tag("status", code.name())
              .minimumExpectedValue(settings.minExpected())
              .maximumExpectedValue(settings.maxExpected())
              .publishPercentileHistogram(settings.percentileHistogram());
      if (!settings.percentiles().isEmpty()) {
        builder.publishPercentiles(
            settings.percentiles().stream().mapToDouble(Double::doubleValue).toArray());
      }
      timer = builder.register(registry);
      byCode.compareAndSet(code.value(), null, timer);
      timer = byCode.get(code.value());
    }
    return timer;
  }
}
