package io.squadron.els;

import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.function.LongSupplier;

/**
 * Measures every call to one endpoint: counts it outstanding while it runs, then records its
 * latency and outcome. A call the caller cancelled says nothing about the endpoint and is not
 * recorded. A call the endpoint answered with a verdict on the request itself (bad argument, not
 * found, permission denied, ...) is an answer, counted like a success: such codes follow the
 * caller's requests, not the endpoint's health, and counting them as failures would let one
 * caller's bad requests eject healthy endpoints.
 */
final class ElsTracerFactory extends ClientStreamTracer.Factory {

  private final EndpointStats stats;
  private final LongSupplier ticker;
  private final Runnable onFailure;

  ElsTracerFactory(EndpointStats stats, LongSupplier ticker) {
    this(stats, ticker, () -> {});
  }

  /**
   * A factory that also calls {@code onFailure} after recording a failure (the breaker judges at
   * once).
   */
  ElsTracerFactory(EndpointStats stats, LongSupplier ticker, Runnable onFailure) {
    this.stats = stats;
    this.ticker = ticker;
    this.onFailure = onFailure;
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(
      ClientStreamTracer.StreamInfo info, Metadata headers) {
    long now = ticker.getAsLong();
    stats.started(now);
    return new Tracer(now);
  }

  private final class Tracer extends ClientStreamTracer {
    private final long startNanos;
    private boolean closed;

    Tracer(long startNanos) {
      this.startNanos = startNanos;
    }

    @Override
    public void streamClosed(Status status) {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      long now = ticker.getAsLong();
      EndpointStats.Outcome outcome = outcome(status);
      stats.finished(now, now - startNanos, outcome);
      if (outcome == EndpointStats.Outcome.FAILURE) {
        onFailure.run();
      }
    }
  }

  static EndpointStats.Outcome outcome(Status status) {
    switch (status.getCode()) {
      case OK:
      case INVALID_ARGUMENT:
      case NOT_FOUND:
      case ALREADY_EXISTS:
      case PERMISSION_DENIED:
      case UNAUTHENTICATED:
      case FAILED_PRECONDITION:
      case ABORTED:
      case OUT_OF_RANGE:
        return EndpointStats.Outcome.SUCCESS;
      case CANCELLED:
        return EndpointStats.Outcome.IGNORED;
      default:
        // UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED (shedding), UNIMPLEMENTED, INTERNAL,
        // UNAVAILABLE,
        // DATA_LOSS: the endpoint could not serve the call.
        return EndpointStats.Outcome.FAILURE;
    }
  }
}
