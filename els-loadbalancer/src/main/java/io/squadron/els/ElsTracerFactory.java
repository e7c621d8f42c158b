package io.squadron.els;

import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.function.LongSupplier;

/**
 * Measures every call to one endpoint: counts it outstanding while it runs, then records its latency and
 * outcome. A call the caller cancelled says nothing about the endpoint and is not recorded.
 */
final class ElsTracerFactory extends ClientStreamTracer.Factory {

  private final EndpointStats stats;
  private final LongSupplier ticker;

  ElsTracerFactory(EndpointStats stats, LongSupplier ticker) {
    this.stats = stats;
    this.ticker = ticker;
  }

  @Override
  public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
    stats.started();
    return new Tracer(ticker.getAsLong());
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
      stats.finished(now, now - startNanos, outcome(status));
    }
  }

  static EndpointStats.Outcome outcome(Status status) {
    if (status.isOk()) {
      return EndpointStats.Outcome.SUCCESS;
    }
    return status.getCode() == Status.Code.CANCELLED
        ? EndpointStats.Outcome.IGNORED : EndpointStats.Outcome.FAILURE;
  }
}
