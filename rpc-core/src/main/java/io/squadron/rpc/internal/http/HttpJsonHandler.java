package io.squadron.rpc.internal.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.RetryInfo;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.http.CorsSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of the HTTP/JSON listener: CORS, routing to a {@code google.api.http} binding (or
 * the static files), transcoding, and the call through the server chain. Requests on one connection
 * are answered in order, one at a time (HTTP/1.1 pipelining keeps its order); a request that
 * arrives while one runs waits for it.
 *
 * <p>Nothing here logs a request's body, query or headers: they may carry tokens and personal data.
 */
final class HttpJsonHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpJsonHandler.class);

  /**
   * Headers that describe the HTTP exchange, not the call, or that must not reach a service
   * (cookies).
   */
  private static final Set<String> NOT_METADATA =
      Set.of(
          "host",
          "connection",
          "keep-alive",
          "content-length",
          "content-type",
          "transfer-encoding",
          "upgrade",
          "te",
          "trailer",
          "expect",
          "cookie",
          "proxy-authorization",
          "proxy-connection",
          "origin",
          "referer");

  /** Request headers a browser may send cross-origin without the server listing them. */
  private static final Set<String> SAFELISTED_HEADERS =
      Set.of("accept", "accept-language", "content-language");

  private final HttpJsonServer server;
  private final ArrayDeque<HttpRequestData> waiting = new ArrayDeque<>();
  private boolean busy;
  private HttpServerCall<?, ?> current;
  private Attributes attributes;

  HttpJsonHandler(HttpJsonServer server) {
    this.server = server;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    HttpRequestData data = HttpRequestData.copyOf(request);
    if (busy) {
      waiting.add(data);
    } else {
      handle(ctx, data);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    waiting.clear();
    HttpServerCall<?, ?> running = current;
    if (running != null) {
      running.cancel(); // the client went away: cancel the call as grpc-java cancels a reset stream
    }
    super.channelInactive(ctx);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent && !busy) {
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // TLS failures and resets are the client's business; no stack trace, no request content.
    log.debug(
        "HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private void handle(ChannelHandlerContext ctx, HttpRequestData request) {
    busy = true;
    server.callStarted();
    try {
      dispatch(ctx, request);
    } catch (RuntimeException e) {
      String errorId = UUID.randomUUID().toString();
      log.error("internal error {} while answering an HTTP request", errorId, e);
      sendStatus(
          ctx,
          request,
          null,
          Status.Code.INTERNAL,
          500,
          "internal error; quote error id " + errorId + " when reporting it",
          Map.of(),
          "-",
          "-");
    }
  }

  /**
   * The response to {@code request} is written: the next waiting request may start. Event loop
   * only.
   */
  private void done(ChannelHandlerContext ctx) {
    busy = false;
    current = null;
    server.callEnded();
    HttpRequestData next = waiting.poll();
    if (next != null && ctx.channel().isActive()) {
      handle(ctx, next);
    }
  }

  private void dispatch(ChannelHandlerContext ctx, HttpRequestData request) {
    if (request.decoderFailure() != null) {
      Throwable cause = request.decoderFailure();
      int code =
          cause instanceof TooLongHttpLineException
              ? 414
              : cause instanceof TooLongHttpHeaderException
                  ? 431
                  : cause instanceof TooLongFrameException ? 413 : 400;
      sendStatus(
          ctx,
          request,
          null,
          Status.Code.INVALID_ARGUMENT,
          code,
          "not a valid HTTP/1.1 request",
          Map.of(HttpHeaderNames.CONNECTION.toString(), "close"),
          "-",
          "-");
      return;
    }
    QueryStringDecoder uri;
    Map<String, List<String>> query;
    try {
      uri = new QueryStringDecoder(request.uri());
      query = uri.parameters();
    } catch (IllegalArgumentException e) {
      sendStatus(
          ctx,
          request,
          null,
          Status.Code.INVALID_ARGUMENT,
          400,
          "the request target is not a valid " + "URL (bad percent-encoding?)",
          Map.of(),
          "-",
          "-");
      return;
    }
    String rawPath = uri.rawPath();
    String origin = request.header(HttpHeaderNames.ORIGIN);
    boolean crossOrigin = origin != null && !sameOrigin(ctx, request, origin);
    if (request.method().equals("OPTIONS")
        && origin != null
        && request.header(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD) != null) {
      preflight(ctx, request, origin, crossOrigin);
      return;
    }
    CorsSettings cors = server.settings().cors();
    if (crossOrigin && !cors.allows(origin)) {
      sendStatus(
          ctx,
          request,
          null,
          Status.Code.PERMISSION_DENIED,
          403,
          "cross-origin request from "
              + origin
              + " refused (the origin may not call this service from a browser)",
          Map.of(),
          "-",
          "-");
      return;
    }
    Map<String, String> corsHeaders = crossOrigin ? corsHeaders(cors, origin) : Map.of();
    HttpRoutes.Match match = server.routes().match(request.method(), rawPath);
    if (match instanceof HttpRoutes.Found found) {
      call(ctx, request, found, query, corsHeaders);
    } else if (match instanceof HttpRoutes.WrongMethod wrong) {
      if (request.method().equals("OPTIONS")) {
        sendEmpty(ctx, request, 204, Map.of("allow", wrong.allow() + ", OPTIONS"), "-", "-");
      } else {
        sendStatus(
            ctx,
            request,
            null,
            Status.Code.UNIMPLEMENTED,
            405,
            request.method()
                + " "
                + rawPath
                + ": method not allowed (allowed: "
                + wrong.allow()
                + ")",
            withHeader(corsHeaders, "allow", wrong.allow()),
            "-",
            "-");
      }
    } else {
      staticOrNotFound(ctx, request, rawPath, corsHeaders);
    }
  }

  private void staticOrNotFound(
      ChannelHandlerContext ctx,
      HttpRequestData request,
      String rawPath,
      Map<String, String> corsHeaders) {
    StaticFileRoute files = server.staticFiles();
    if (files == null) {
      sendStatus(
          ctx,
          request,
          null,
          Status.Code.NOT_FOUND,
          404,
          "no HTTP binding for " + request.method() + " " + rawPath,
          corsHeaders,
          "-",
          "-");
      return;
    }
    boolean head = request.method().equals("HEAD");
    if (!head && !request.method().equals("GET")) {
      sendStatus(
          ctx,
          request,
          null,
          Status.Code.UNIMPLEMENTED,
          405,
          request.method() + " " + rawPath + ": method not allowed (allowed: GET, HEAD)",
          withHeader(corsHeaders, "allow", "GET, HEAD"),
          "-",
          "static");
      return;
    }
    StaticFileRoute.Answer answer;
    try {
      answer = files.answer(rawPath, request.header(HttpHeaderNames.IF_NONE_MATCH));
    } catch (IOException e) {
      String errorId = UUID.randomUUID().toString();
      log.error("internal error {}: cannot read a static file", errorId, e);
      sendStatus(
          ctx,
          request,
          null,
          Status.Code.INTERNAL,
          500,
          "internal error; quote error id " + errorId + " when reporting it",
          corsHeaders,
          "-",
          "static");
      return;
    }
    if (answer instanceof StaticFileRoute.File file) {
      Map<String, String> headers = new LinkedHashMap<>(corsHeaders);
      headers.put("content-type", file.contentType());
      headers.put("etag", file.etag());
      headers.put("cache-control", file.cacheControl());
      headers.put("x-content-type-options", "nosniff");
      headers.put("referrer-policy", "no-referrer");
      headers.put("x-frame-options", "DENY");
      FullHttpResponse response = response(200, head ? new byte[0] : file.content(), headers);
      if (head) {
        HttpUtil.setContentLength(response, file.content().length);
      }
      write(ctx, request, response, "-", "static", ok -> {});
    } else if (answer instanceof StaticFileRoute.NotModified notModified) {
      sendEmpty(
          ctx,
          request,
          304,
          withHeader(
              withHeader(corsHeaders, "etag", notModified.etag()),
              "cache-control",
              notModified.cacheControl()),
          "-",
          "static");
    } else if (answer instanceof StaticFileRoute.BadPath) {
      sendStatus(
          ctx,
          request,
          null,
          Status.Code.INVALID_ARGUMENT,
          400,
          "not a valid file path",
          corsHeaders,
          "-",
          "static");
    } else {
      sendStatus(
          ctx,
          request,
          null,
          Status.Code.NOT_FOUND,
          404,
          "no such file: " + rawPath,
          corsHeaders,
          "-",
          "static");
    }
  }

  private void preflight(
      ChannelHandlerContext ctx, HttpRequestData request, String origin, boolean crossOrigin) {
    CorsSettings cors = server.settings().cors();
    String method = request.header(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD).trim();
    String refusal = null;
    if (crossOrigin && !cors.allows(origin)) {
      refusal = "origin " + origin + " may not call this service from a browser";
    } else if (!cors.allowedMethods().contains(method)) {
      refusal = "method " + method + " is not allowed cross-origin";
    } else {
      String requested = request.header(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
      if (requested != null) {
        for (String header : requested.split(",")) {
          String name = header.trim().toLowerCase(Locale.ROOT);
          if (!name.isEmpty()
              && !cors.allowedHeaders().contains(name)
              && !SAFELISTED_HEADERS.contains(name)) {
            refusal = "header " + name + " is not allowed cross-origin";
            break;
          }
        }
      }
    }
    if (refusal != null) {
      sendStatus(
          ctx,
          request,
          null,
          Status.Code.PERMISSION_DENIED,
          403,
          "CORS preflight refused: " + refusal,
          Map.of("vary", "Origin"),
          "-",
          "preflight");
      return;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("access-control-allow-origin", origin);
    headers.put(
        "access-control-allow-methods",
        String.join(", ", cors.allowedMethods().stream().sorted().toList()));
    headers.put(
        "access-control-allow-headers",
        String.join(", ", cors.allowedHeaders().stream().sorted().toList()));
    headers.put("access-control-max-age", Long.toString(cors.maxAge().toSeconds()));
    if (cors.allowCredentials()) {
      headers.put("access-control-allow-credentials", "true");
    }
    headers.put("vary", "Origin");
    sendEmpty(ctx, request, 204, headers, "-", "preflight");
  }

  private static Map<String, String> corsHeaders(CorsSettings cors, String origin) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("access-control-allow-origin", origin);
    headers.put("vary", "Origin");
    if (!cors.exposedHeaders().isEmpty()) {
      headers.put(
          "access-control-expose-headers",
          String.join(", ", cors.exposedHeaders().stream().sorted().toList()));
    }
    if (cors.allowCredentials()) {
      headers.put("access-control-allow-credentials", "true");
    }
    return Map.copyOf(headers);
  }

  private boolean sameOrigin(ChannelHandlerContext ctx, HttpRequestData request, String origin) {
    String host = request.header(HttpHeaderNames.HOST);
    if (host == null) {
      return false;
    }
    String scheme = ctx.pipeline().get(SslHandler.class) != null ? "https://" : "http://";
    return origin.toLowerCase(Locale.ROOT).equals(scheme + host.toLowerCase(Locale.ROOT));
  }

  private void call(
      ChannelHandlerContext ctx,
      HttpRequestData request,
      HttpRoutes.Found found,
      Map<String, List<String>> query,
      Map<String, String> corsHeaders) {
    HttpBinding binding = found.binding();
    String body = null;
    TranscodingException problem = null;
    if (request.body().length > 0) {
      String contentType = request.header(HttpHeaderNames.CONTENT_TYPE);
      if (binding.takesBody() && !isJson(contentType)) {
        sendStatus(
            ctx,
            request,
            binding,
            Status.Code.INVALID_ARGUMENT,
            415,
            "content-type: expected " + "application/json",
            corsHeaders,
            null,
            null);
        return;
      }
      try {
        body =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(request.body()))
                .toString();
      } catch (CharacterCodingException e) {
        problem = new TranscodingException("body", "not valid UTF-8");
      }
    }
    Message message;
    try {
      if (problem != null) {
        throw problem;
      }
      message = server.transcoder().transcode(binding, found.pathValues(), query, body);
    } catch (TranscodingException e) {
      // Refused inside the chain, as gRPC refuses an undecodable request: after identity,
      // permission and rate
      // limit, and counted with its status.
      message =
          server
              .validation()
              .standIn(
                  binding.requestPrototype(), RpcErrors.invalidArgument(e.field(), e.problem()));
    }
    if (attributes == null) {
      attributes = attributes(ctx);
    }
    Context.CancellableContext context =
        Context.ROOT.withDeadlineAfter(
            server.settings().requestTimeout().toNanos(),
            TimeUnit.NANOSECONDS,
            ctx.channel().eventLoop());
    start(ctx, request, binding, binding.method(), message, context, corsHeaders);
  }

  private <ReqT, RespT> void start(
      ChannelHandlerContext ctx,
      HttpRequestData request,
      HttpBinding binding,
      ServerMethodDefinition<ReqT, RespT> method,
      Message message,
      Context.CancellableContext context,
      Map<String, String> corsHeaders) {
    HttpServerCall<ReqT, RespT> call =
        new HttpServerCall<>(
            method.getMethodDescriptor(),
            attributes,
            request.header(HttpHeaderNames.HOST),
            server.executor(),
            context,
            (status, trailers, response, written) ->
                respond(
                    ctx,
                    request,
                    binding,
                    status,
                    trailers,
                    (Message) response,
                    corsHeaders,
                    written));
    current = call;
    @SuppressWarnings("unchecked")
    ReqT typed = (ReqT) message;
    call.start(method.getServerCallHandler(), metadata(request.headers()), typed);
  }

  /** Writes a finished call's answer; any thread. */
  private void respond(
      ChannelHandlerContext ctx,
      HttpRequestData request,
      HttpBinding binding,
      Status status,
      Metadata trailers,
      Message response,
      Map<String, String> corsHeaders,
      Consumer<Boolean> written) {
    if (status.isOk() && response != null) {
      String json;
      try {
        json =
            binding.responseBody().isEmpty()
                ? server.codec().print(response)
                : server.codec().printField(response, binding.responseBody());
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        String errorId = UUID.randomUUID().toString();
        log.error(
            "internal error {}: the response of {} cannot be written as JSON",
            errorId,
            binding.fullMethodName(),
            e);
        sendStatus(
            ctx,
            request,
            binding,
            Status.Code.INTERNAL,
            500,
            "internal error; quote error id " + errorId + " when reporting it",
            corsHeaders,
            null,
            null,
            written);
        return;
      }
      write(
          ctx,
          request,
          response(200, json.getBytes(StandardCharsets.UTF_8), apiHeaders(corsHeaders)),
          serviceOf(binding),
          methodOf(binding),
          written);
      return;
    }
    Status.Code code = status.isOk() ? Status.Code.INTERNAL : status.getCode();
    Status effective =
        status.isOk() ? Status.INTERNAL.withDescription("the method sent no response") : status;
    com.google.rpc.Status rpcStatus = StatusProto.fromStatusAndTrailers(effective, trailers);
    Map<String, String> headers = apiHeaders(corsHeaders);
    retryAfterSeconds(rpcStatus)
        .ifPresent(seconds -> headers.put("retry-after", Long.toString(seconds)));
    write(
        ctx,
        request,
        response(
            HttpStatuses.of(code),
            server.codec().printStatus(rpcStatus).getBytes(StandardCharsets.UTF_8),
            headers),
        serviceOf(binding),
        methodOf(binding),
        written);
  }

  /** {@code Retry-After} (whole seconds, rounded up) from a {@code RetryInfo} detail. */
  static java.util.Optional<Long> retryAfterSeconds(com.google.rpc.Status status) {
    for (com.google.protobuf.Any detail : status.getDetailsList()) {
      if (detail.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration delay = detail.unpack(RetryInfo.class).getRetryDelay();
          long seconds = delay.getSeconds() + (delay.getNanos() > 0 ? 1 : 0);
          return java.util.Optional.of(Math.max(1, seconds));
        } catch (InvalidProtocolBufferException e) {
          return java.util.Optional.empty();
        }
      }
    }
    return java.util.Optional.empty();
  }

  private void sendStatus(
      ChannelHandlerContext ctx,
      HttpRequestData request,
      HttpBinding binding,
      Status.Code code,
      int httpStatus,
      String message,
      Map<String, String> extraHeaders,
      String service,
      String method) {
    sendStatus(
        ctx, request, binding, code, httpStatus, message, extraHeaders, service, method, ok -> {});
  }

  private void sendStatus(
      ChannelHandlerContext ctx,
      HttpRequestData request,
      HttpBinding binding,
      Status.Code code,
      int httpStatus,
      String message,
      Map<String, String> extraHeaders,
      String service,
      String method,
      Consumer<Boolean> written) {
    com.google.rpc.Status status =
        com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message).build();
    write(
        ctx,
        request,
        response(
            httpStatus,
            server.codec().printStatus(status).getBytes(StandardCharsets.UTF_8),
            apiHeaders(extraHeaders)),
        service != null ? service : serviceOf(binding),
        method != null ? method : methodOf(binding),
        written);
  }

  private void sendEmpty(
      ChannelHandlerContext ctx,
      HttpRequestData request,
      int status,
      Map<String, String> headers,
      String service,
      String method) {
    write(ctx, request, response(status, new byte[0], headers), service, method, ok -> {});
  }

  /**
   * Writes {@code response} on the event loop, counts it, then lets the next request of the
   * connection start.
   */
  private void write(
      ChannelHandlerContext ctx,
      HttpRequestData request,
      FullHttpResponse response,
      String service,
      String method,
      Consumer<Boolean> written) {
    Runnable send =
        () -> {
          if (!request.keepAlive()) {
            HttpUtil.setKeepAlive(response, false);
          }
          server.metrics().count(service, method, response.status().code());
          ctx.writeAndFlush(response)
              .addListener(
                  (ChannelFutureListener)
                      f -> {
                        try {
                          written.accept(f.isSuccess());
                        } finally {
                          if (!HttpUtil.isKeepAlive(response)) {
                            ctx.close();
                          }
                          done(ctx);
                        }
                      });
        };
    if (ctx.executor().inEventLoop()) {
      send.run();
    } else {
      ctx.executor().execute(send);
    }
  }

  private static FullHttpResponse response(int status, byte[] body, Map<String, String> headers) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    headers.forEach((name, value) -> response.headers().set(name, value));
    if (!response.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
      HttpUtil.setContentLength(response, body.length);
    }
    return response;
  }

  private static Map<String, String> apiHeaders(Map<String, String> extra) {
    Map<String, String> headers = new LinkedHashMap<>(extra);
    headers.put("content-type", "application/json");
    headers.put("cache-control", "no-store"); // answers are per caller
    headers.put("x-content-type-options", "nosniff");
    return headers;
  }

  private static Map<String, String> withHeader(
      Map<String, String> headers, String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return copy;
  }

  private static String serviceOf(HttpBinding binding) {
    return binding == null
        ? "-"
        : String.valueOf(binding.method().getMethodDescriptor().getServiceName());
  }

  private static String methodOf(HttpBinding binding) {
    return binding == null
        ? "-"
        : String.valueOf(binding.method().getMethodDescriptor().getBareMethodName());
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json");
  }

  private static Attributes attributes(ChannelHandlerContext ctx) {
    Attributes.Builder attributes =
        Attributes.newBuilder()
            .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, ctx.channel().remoteAddress())
            .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, ctx.channel().localAddress());
    SslHandler tls = ctx.pipeline().get(SslHandler.class);
    if (tls != null) {
      attributes.set(Grpc.TRANSPORT_ATTR_SSL_SESSION, tls.engine().getSession());
    }
    return attributes.build();
  }

  /** The request's headers as gRPC metadata: what the identity stage and the handler may read. */
  static Metadata metadata(HttpHeaders headers) {
    Metadata metadata = new Metadata();
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith("grpc-metadata-")) {
        name = name.substring("grpc-metadata-".length()); // grpc-gateway's way to send any metadata
      } else if (NOT_METADATA.contains(name)
          || name.startsWith("grpc-")
          || name.startsWith("access-control-")
          || name.startsWith("sec-")) {
        continue;
      }
      try {
        if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          metadata.put(
              Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER),
              Base64.getDecoder().decode(header.getValue().trim()));
        } else {
          metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), header.getValue());
        }
      } catch (IllegalArgumentException e) {
        // not a valid metadata key or value: not forwarded
      }
    }
    return metadata;
  }
}
