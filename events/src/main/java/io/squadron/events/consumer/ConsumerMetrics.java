package io.squadron.events.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.common.TopicPartition;

/** The consumer's meters, tagged {@code consumer=<group>} and {@code topic}. */
final class ConsumerMetrics {
  static final String EVENTS = "squadron.events.consumer.events";
  static final String RETRIES = "squadron.events.consumer.retries";
  static final String LAG = "squadron.events.consumer.lag";
  static final String HANDLE_LATENCY = "squadron.events.consumer.handle.latency";
  static final String END_TO_END = "squadron.events.consumer.end.to.end.latency";

  /** What became of a record. */
  enum Outcome {
    APPLIED,
    DUPLICATE,
    IGNORED,
    DEAD_LETTERED;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final String group;
  private final ConcurrentMap<String, Counter> events = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Counter> retries = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, Timer> endToEnd = new ConcurrentHashMap<>();

  /**
   * The lag of each partition this consumer's threads own (partitions are disjoint between
   * threads).
   */
  private final Map<TopicPartition, Long> lag = new ConcurrentHashMap<>();

  private final Timer handleLatency;

  ConsumerMetrics(MeterRegistry registry, String group, Collection<String> topics) {
    this.registry = registry;
    this.group = group;
    for (String topic : topics) {
      Gauge.builder(
              LAG,
              lag,
              m ->
                  m.entrySet().stream()
                      .filter(e -> e.getKey().topic().equals(topic))
                      .mapToLong(Map.Entry::getValue)
                      .sum())
          .tag("consumer", group)
          .tag("topic", topic)
          .description("Records in the topic not yet consumed by this instance's partitions")
          .register(registry);
    }
    handleLatency =
        Timer.builder(HANDLE_LATENCY)
            .tag("consumer", group)
            .description("One poll's events applied: transaction, handlers and commit")
            .register(registry);
  }

  void count(String topic, Outcome outcome, int n) {
    if (n == 0) {
      return;
    }
    events
        .computeIfAbsent(
            topic + '\u0000' + outcome.tag(),
            k ->
                Counter.builder(EVENTS)
                    .tag("consumer", group)
                    .tag("topic", topic)
                    .tag("outcome", outcome.tag())
                    .description("Records consumed, by what became of them")
                    .register(registry))
        .increment(n);
  }

  void retry(String topic) {
    retries
        .computeIfAbsent(
            topic,
            t ->
                Counter.builder(RETRIES)
                    .tag("consumer", group)
                    .tag("topic", t)
                    .description("Handler attempts that failed and were retried")
                    .register(registry))
        .increment();
  }

  void lag(TopicPartition partition, long records) {
    lag.put(partition, records);
  }

  void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(lag::remove);
  }

  void handled(Duration batch) {
    handleLatency.record(batch);
  }

  void endToEnd(String topic, Duration latency) {
    endToEnd
        .computeIfAbsent(
            topic,
            t ->
                Timer.builder(END_TO_END)
                    .tag("consumer", group)
                    .tag("topic", t)
                    .publishPercentileHistogram()
                    .description("From the event's occurred-at to its handler's commit")
                    .register(registry))
        .record(latency.isNegative() ? Duration.ZERO : latency);
  }

  /** The count of one outcome on one topic so far (for tests and benchmarks). */
  long count(String topic, Outcome outcome) {
    Counter c = events.get(topic + '\u0000' + outcome.tag());
    return c == null ? 0 : (long) c.count();
  }
}
