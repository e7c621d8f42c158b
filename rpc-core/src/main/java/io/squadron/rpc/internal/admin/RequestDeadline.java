package io.squadron.rpc.internal.admin;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that has not delivered one complete request within the timeout of its
 * opening, however slowly it trickles bytes in (a plain read timeout would let a byte every few
 * seconds hold the connection forever). The {@link Met} half, placed after the HTTP aggregator,
 * cancels the deadline when a whole request has arrived.
 */
final class RequestDeadline extends ChannelInboundHandlerAdapter {
  private final long timeoutNanos;
  private ScheduledFuture<?> deadline;

  RequestDeadline(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      arm(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    arm(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    disarm();
    ctx.fireChannelInactive();
  }

  private void arm(ChannelHandlerContext ctx) {
    if (deadline == null) {
      deadline =
          ctx.executor()
              .schedule(
                  () -> {
                    ctx.close();
                  },
                  timeoutNanos,
                  TimeUnit.NANOSECONDS);
    }
  }

  void disarm() {
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  /** Cancels the connection's deadline once a complete request has been aggregated. */
  static final class Met extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof FullHttpRequest) {
        RequestDeadline deadline = ctx.pipeline().get(RequestDeadline.class);
        if (deadline != null) {
          deadline.disarm();
        }
      }
      ctx.fireChannelRead(msg);
    }
  }
}
