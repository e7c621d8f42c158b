package io.squadron.rpc.internal.logging;

import io.grpc.Status;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * grpc-java logs every request it refuses to decode (most often one larger than the server's
 * maximum) as a WARNING with a full stack trace: a cheap way for any client to flood a service's
 * log. This filter replaces that record with one line without a stack trace, at most one per
 * interval, counting the ones it folded in; the caller already got its RESOURCE_EXHAUSTED (or
 * INTERNAL) status.
 */
public final class DeframeFailureFilter implements Filter {
  /** The JUL logger that reports refused messages. */
  public static final String GRPC_LOGGER = "io.grpc.netty.NettyServerStream";

  private static final Logger log =
      LoggerFactory.getLogger("io.squadron.rpc.server.RefusedMessages");

  private final LongSupplier nanoTime;
  private final long intervalNanos;
  private final AtomicLong nextLineAt;
  private final AtomicLong folded = new AtomicLong();

  /** At most one line per {@code intervalNanos} on {@code nanoTime}. */
  public DeframeFailureFilter(LongSupplier nanoTime, long intervalNanos) {
    this.nanoTime = nanoTime;
    this.intervalNanos = intervalNanos;
    this.nextLineAt = new AtomicLong(nanoTime.getAsLong());
  }

  @Override
  public boolean isLoggable(LogRecord record) {
    Throwable thrown = record.getThrown();
    if (thrown == null || !"deframeFailed".equals(record.getSourceMethodName())) {
      return true;
    }
    long now = nanoTime.getAsLong();
    long due = nextLineAt.get();
    if (now - due >= 0 && nextLineAt.compareAndSet(due, now + intervalNanos)) {
      long more = folded.getAndSet(0);
      Status status = Status.fromThrowable(thrown);
      log.warn(
          "refused a request message: {}{}",
          status.getCode()
              + (status.getDescription() == null ? "" : " (" + status.getDescription() + ")"),
          more == 0 ? "" : "; " + more + " more refused since the last line");
    } else {
      folded.incrementAndGet();
    }
    return false;
  }
}
