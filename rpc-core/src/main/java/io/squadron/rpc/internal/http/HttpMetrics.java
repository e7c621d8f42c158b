package io.squadron.rpc.internal.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@value #REQUESTS}: every HTTP request the listener answers, by service, method and HTTP status.
 * Calls that reach a method are also in the server chain's own duration timer with their gRPC
 * status, next to gRPC calls; this counter adds what only HTTP has (404, 405, 413, 415, CORS
 * refusals, static files). Labels are bounded: the bound methods, {@code static}, {@code preflight}
 * or {@code -}, and the status codes the listener sends.
 */
final class HttpMetrics {
  /** Counter of answered HTTP requests. */
  static final String REQUESTS = "squadron.rpc.server.http.requests";

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

  HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void count(String service, String method, int status) {
    String key = service + '/' + method + '/' + status;
    Counter counter = counters.get(key);
    if (counter == null) {
      counter =
          counters.computeIfAbsent(
              key,
              k ->
                  Counter.builder(REQUESTS)
                      .tags("service", service, "method", method, "code", Integer.toString(status))
                      .register(registry));
    }
    counter.increment();
  }
}
