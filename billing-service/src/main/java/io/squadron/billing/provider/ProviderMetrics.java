package io.squadron.billing.provider;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Monitoring per provider and method, the point of one API over many providers: attempts and their
 * outcomes (the success rate is {@code outcome="success"} over all), request latency, declines by
 * normalized reason, unknown outcomes, callbacks and their lag. Labels are bounded: provider names,
 * method names, enum names, fixed outcome words; never an id, amount or instrument.
 */
public final class ProviderMetrics {
  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  /** Meters in {@code registry}. */
  public ProviderMetrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
  }

  /** One HTTP request to a provider: its operation, outcome and latency. */
  public void request(String provider, String operation, String outcome, Duration latency) {
    timers
        .computeIfAbsent(
            provider + '|' + operation + '|' + outcome,
            k ->
                Timer.builder("billing_provider_request")
                    .description(
                        "Requests to payment providers by operation and outcome (ok, rejected, unavailable, unknown)")
                    .tag("provider", provider)
                    .tag("operation", operation)
                    .tag("outcome", outcome)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(latency);
  }

  /**
   * One payment attempt at a provider: {@code success} (a definitive answer other than a decline),
   * {@code declined}, {@code unavailable} or {@code unknown}.
   */
  public void attempt(String provider, String method, String outcome) {
    count(
        "billing_payment_attempts",
        "Payment attempts by provider, method and outcome",
        provider,
        method,
        "outcome",
        outcome);
  }

  /** A decline, by normalized reason. */
  public void decline(String provider, String method, String reason) {
    count(
        "billing_declines",
        "Declines by provider, method and normalized reason",
        provider,
        method,
        "reason",
        reason);
  }

  /** A provider call whose outcome was lost (timeout, dropped connection). */
  public void unknownOutcome(String provider, String method) {
    count(
        "billing_unknown_outcomes",
        "Provider calls whose outcome was lost, by provider and method",
        provider,
        method,
        "kind",
        "call");
  }

  /** A callback: {@code result} accepted, duplicate, stale, unknown_payment. */
  public void callback(String provider, String result) {
    count("billing_callbacks", "Provider callbacks by result", provider, "-", "result", result);
  }

  /** A callback refused with 400: {@code reason} forged, expired, malformed, unknown_provider. */
  public void callbackRejected(String provider, String reason) {
    count(
        "billing_callbacks_rejected",
        "Provider callbacks refused (signature, age, shape)",
        provider,
        "-",
        "reason",
        reason);
  }

  /** How long after billing's provider call a callback about it arrived. */
  public void callbackLag(String provider, Duration lag) {
    timers
        .computeIfAbsent(
            "lag|" + provider,
            k ->
                Timer.builder("billing_callback_lag")
                    .description(
                        "Time from billing's provider call to the callback that reported its outcome")
                    .tag("provider", provider)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(lag);
  }

  private void count(
      String name, String description, String provider, String method, String key, String value) {
    counters
        .computeIfAbsent(
            name + '|' + provider + '|' + method + '|' + value,
            k ->
                Counter.builder(name)
                    .description(description)
                    .tag("provider", provider)
                    .tag("method", method)
                    .tag(key, value)
                    .register(registry))
        .increment();
  }
}
