package io.squadron.events.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

/** The relay's meters, tagged {@code relay=<name>}. */
final class RelayMetrics {
  static final String BACKLOG = "squadron.events.relay.backlog";
  static final String OLDEST_AGE = "squadron.events.relay.oldest.unsent.age";
  static final String PUBLISHED = "squadron.events.relay.published";
  static final String PUBLISH_LATENCY = "squadron.events.relay.publish.latency";
  static final String OUTBOX_DELAY = "squadron.events.relay.outbox.delay";
  static final String FAILURES = "squadron.events.relay.failures";
  static final String DELETED = "squadron.events.relay.deleted";
  static final String LEADING = "squadron.events.relay.leading";

  private final MeterRegistry registry;
  private final String name;
  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong oldestAgeMillis = new AtomicLong();
  private final AtomicLong leading = new AtomicLong();
  private final ConcurrentMap<String, Counter> published = new ConcurrentHashMap<>();
  private final Timer publishLatency;
  private final Timer outboxDelay;
  private final Counter failures;
  private final Counter deleted;

  RelayMetrics(MeterRegistry registry, String name) {
    this.registry = registry;
    this.name = name;
    Gauge.builder(BACKLOG, backlog, AtomicLong::get)
        .tag("relay", name)
        .description("Outbox rows not yet published (all relays of this database)")
        .register(registry);
    Gauge.builder(OLDEST_AGE, oldestAgeMillis, v -> v.get() / 1000.0)
        .tag("relay", name)
        .baseUnit("seconds")
        .description("Age of the oldest unpublished outbox row")
        .register(registry);
    Gauge.builder(LEADING, leading, AtomicLong::get)
        .tag("relay", name)
        .description(
            "1 if this relay's last round held the outbox's relay lock, 0 if another relay's did")
        .register(registry);
    publishLatency =
        Timer.builder(PUBLISH_LATENCY)
            .tag("relay", name)
            .publishPercentileHistogram()
            .description("From sending a batch to the broker's acknowledgement of all of it")
            .register(registry);
    outboxDelay =
        Timer.builder(OUTBOX_DELAY)
            .tag("relay", name)
            .publishPercentileHistogram()
            .description("From an outbox row's insert to the broker's acknowledgement")
            .register(registry);
    failures =
        Counter.builder(FAILURES)
            .tag("relay", name)
            .description(
                "Relay rounds that failed (broker or database unavailable); they are retried")
            .register(registry);
    deleted =
        Counter.builder(DELETED)
            .tag("relay", name)
            .description("Sent outbox rows deleted after the retention")
            .register(registry);
  }

  void backlog(long rows, Duration oldestAge) {
    backlog.set(rows);
    oldestAgeMillis.set(oldestAge.toMillis());
  }

  void leading(boolean lead) {
    leading.set(lead ? 1 : 0);
  }

  void published(String topic, int count) {
    published
        .computeIfAbsent(
            topic,
            t ->
                Counter.builder(PUBLISHED)
                    .tag("relay", name)
                    .tag("topic", t)
                    .description("Events published and acknowledged by the broker")
                    .register(registry))
        .increment(count);
  }

  void publishLatency(Duration latency) {
    publishLatency.record(latency);
  }

  void outboxDelay(Instant created, Instant acked) {
    outboxDelay.record(
        Duration.between(created, acked).isNegative()
            ? Duration.ZERO
            : Duration.between(created, acked));
  }

  void failure() {
    failures.increment();
  }

  void deleted(int rows) {
    deleted.increment(rows);
  }
}
