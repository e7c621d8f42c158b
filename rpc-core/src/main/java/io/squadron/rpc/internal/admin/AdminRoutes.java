package io.squadron.rpc.internal.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.squadron.rpc.admin.AdminAction;
import io.squadron.rpc.internal.health.Readiness;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of one admin listener; every answer closes its connection. Work that may take time (a
 * scrape, an action) runs on {@code workers}, never on the event loop.
 */
final class AdminRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String ADMIN = "/admin/";

  private final PrometheusMeterRegistry registry;
  private final Readiness readiness;
  private final Map<String, AdminAction> actions;
  private final Executor workers;

  private AdminRoutes(
      PrometheusMeterRegistry registry,
      Readiness readiness,
      Map<String, AdminAction> actions,
      Executor workers) {
    this.registry = registry;
    this.readiness = readiness;
    this.actions = actions;
    this.workers = workers;
  }

  /** {@code /metrics}, {@code /healthz}, {@code /readyz}. */
  static AdminRoutes observability(
      PrometheusMeterRegistry registry, Readiness readiness, Executor workers) {
    return new AdminRoutes(registry, readiness, null, workers);
  }

  /** {@code POST /admin/<action>}. */
  static AdminRoutes actions(Map<String, AdminAction> actions, Executor workers) {
    return new AdminRoutes(null, null, actions, workers);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    if (!request.decoderResult().isSuccess()) {
      respond(ctx, HttpResponseStatus.BAD_REQUEST, TEXT, "bad request\n", false);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    HttpMethod method = request.method();
    if (actions != null) {
      routeAction(ctx, method, path);
    } else {
      routeObservability(ctx, method, path);
    }
  }

  private void routeObservability(ChannelHandlerContext ctx, HttpMethod method, String path) {
    boolean known = path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics");
    if (!known) {
      String hint =
          path.startsWith(ADMIN)
              ? "admin actions are served on the loopback actions listener only\n"
              : "not found\n";
      respond(ctx, HttpResponseStatus.NOT_FOUND, TEXT, hint, false);
      return;
    }
    boolean head = HttpMethod.HEAD.equals(method);
    if (!head && !HttpMethod.GET.equals(method)) {
      respondAllow(ctx, "GET, HEAD");
      return;
    }
    switch (path) {
      case "/healthz" -> respond(ctx, HttpResponseStatus.OK, TEXT, "ok\n", head);
      case "/readyz" -> {
        if (readiness.isReady()) {
          respond(ctx, HttpResponseStatus.OK, TEXT, "ready\n", head);
        } else {
          respond(
              ctx,
              HttpResponseStatus.SERVICE_UNAVAILABLE,
              TEXT,
              "not ready: " + String.join(", ", readiness.failing()) + "\n",
              head);
        }
      }
      default -> offload(ctx, () -> registry.scrape(), PROMETHEUS_TEXT, head);
    }
  }

  private void routeAction(ChannelHandlerContext ctx, HttpMethod method, String path) {
    String name = path.startsWith(ADMIN) ? path.substring(ADMIN.length()) : "";
    AdminAction action = actions.get(name);
    if (action == null) {
      respond(
          ctx,
          HttpResponseStatus.NOT_FOUND,
          TEXT,
          "no admin action '" + name + "'; known: " + new TreeSet<>(actions.keySet()) + "\n",
          false);
      return;
    }
    if (!HttpMethod.POST.equals(method)) {
      respondAllow(ctx, "POST");
      return;
    }
    try {
      workers.execute(
          () -> {
            HttpResponseStatus status = HttpResponseStatus.OK;
            String result;
            try {
              result = action.run();
            } catch (Exception e) {
              status = HttpResponseStatus.INTERNAL_SERVER_ERROR;
              result = name + " failed: " + e.getClass().getSimpleName();
              log.warn("admin action {} failed: {}", name, e.toString());
            }
            respond(ctx, status, TEXT, result + "\n", false);
          });
    } catch (RejectedExecutionException e) {
      respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, "busy; try again\n", false);
    }
  }

  private void offload(
      ChannelHandlerContext ctx, Supplier<String> body, String contentType, boolean head) {
    try {
      workers.execute(() -> respond(ctx, HttpResponseStatus.OK, contentType, body.get(), head));
    } catch (RejectedExecutionException e) {
      respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, TEXT, "busy; try again\n", head);
    }
  }

  private static void respondAllow(ChannelHandlerContext ctx, String allow) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.METHOD_NOT_ALLOWED);
    response.headers().set(HttpHeaderNames.ALLOW, allow);
    send(ctx, response, 0);
  }

  private static void respond(
      ChannelHandlerContext ctx,
      HttpResponseStatus status,
      String contentType,
      String body,
      boolean head) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    send(ctx, response, bytes.length);
  }

  private static void send(
      ChannelHandlerContext ctx, FullHttpResponse response, int contentLength) {
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
