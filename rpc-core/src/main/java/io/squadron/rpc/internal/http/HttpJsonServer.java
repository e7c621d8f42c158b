package io.squadron.rpc.internal.http;

import static java.util.Objects.requireNonNull;

import com.google.protobuf.Descriptors.Descriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.squadron.proto.common.v1.ErrorReason;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.http.HttpSettings;
import io.squadron.rpc.http.StaticFiles;
import io.squadron.rpc.internal.errors.RequestValidation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/JSON listener of a server: HTTP/1.1 on Netty (the Netty grpc-java runs on, nothing more
 * on the class path), TLS with the service's own certificate (client certificates optional, checked
 * against the platform CA, so a service may call with its identity and a browser with an app
 * token), the {@code google.api.http} bindings of the server's methods, and optionally static
 * files. Calls go through the same chain as gRPC calls ({@link HttpServerCall}).
 */
public final class HttpJsonServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpJsonServer.class);

  /**
   * TLS: this service's certificate and key, and the trust its callers' certificates must meet, as
   * managers (the gRPC port's, so a rotated certificate or CA bundle serves both listeners at
   * once).
   */
  public record Tls(X509ExtendedKeyManager keyManager, X509ExtendedTrustManager clientTrust) {
    public Tls {
      requireNonNull(keyManager, "keyManager");
      requireNonNull(clientTrust, "clientTrust");
    }
  }

  private final HttpSettings settings;
  private final HttpRoutes routes;
  private final StaticFileRoute staticFiles;
  private final RequestTranscoder transcoder = new RequestTranscoder();
  private final JsonCodec codec;
  private final HttpMetrics metrics;
  private final Executor executor;
  private final RequestValidation validation;
  private final EventLoopGroup loops;
  private final ChannelGroup channels =
      new DefaultChannelGroup("squadron-http", GlobalEventExecutor.INSTANCE);
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean closed = new AtomicBoolean();
  private Channel listener;

  private HttpJsonServer(
      HttpSettings settings,
      HttpRoutes routes,
      StaticFileRoute staticFiles,
      JsonCodec codec,
      HttpMetrics metrics,
      Executor executor,
      RequestValidation validation) {
    this.settings = settings;
    this.routes = routes;
    this.staticFiles = staticFiles;
    this.codec = codec;
    this.metrics = metrics;
    this.executor = executor;
    this.validation = validation;
    this.loops =
        new MultiThreadIoEventLoopGroup(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            new DefaultThreadFactory("squadron-http", true),
            NioIoHandler.newFactory());
  }

  /**
   * Reads the bindings of {@code services} (each with the server chain in front), refusing invalid
   * ones. Handlers run on {@code handlers}, the gRPC port's bounded pool (owned by the caller:
   * {@link #close} leaves it running), and a request that cannot be transcoded becomes a stand-in
   * of {@code validation}, the one the chain consults.
   *
   * @throws IllegalArgumentException naming a method whose {@code google.api.http} rule is invalid
   */
  public static HttpJsonServer create(
      HttpSettings settings,
      List<ServerServiceDefinition> services,
      Optional<StaticFiles> files,
      MeterRegistry registry,
      Executor handlers,
      RequestValidation validation) {
    requireNonNull(settings, "settings");
    requireNonNull(files, "files");
    requireNonNull(handlers, "handlers");
    requireNonNull(validation, "validation");
    HttpRoutes routes = HttpRoutes.of(services);
    List<Descriptor> types = new ArrayList<>();
    for (HttpBinding b : routes.bindings()) {
      types.add(b.protoMethod().getInputType());
      types.add(b.protoMethod().getOutputType());
    }
    return new HttpJsonServer(
        settings,
        routes,
        files.map(f -> new StaticFileRoute(f, settings.staticMaxAge())).orElse(null),
        new JsonCodec(types),
        new HttpMetrics(requireNonNull(registry, "registry")),
        handlers,
        validation);
  }

  /**
   * The bindings served, one per line ({@code POST /v1/shuffle ->
   * squadron.shuffle.v1.ShuffleService/Shuffle}).
   */
  public List<String> bindings() {
    return routes.bindings().stream().map(HttpBinding::toString).toList();
  }

  /**
   * Binds the port and starts serving, with TLS when {@code tls} is present.
   *
   * @throws UncheckedIOException when the port cannot be bound or the TLS files cannot be read
   */
  public HttpJsonServer start(Optional<Tls> tls) {
    SslContext ssl = tls.map(HttpJsonServer::sslContext).orElse(null);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loops)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 128)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    channels.add(ch);
                    ChannelPipeline p = ch.pipeline();
                    if (ssl != null) {
                      p.addLast("tls", ssl.newHandler(ch.alloc()));
                    }
                    p.addLast(
                        "idle",
                        new IdleStateHandler(
                            0, 0, settings.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
                    p.addLast("codec", new HttpServerCodec(8192, 16384, 8192));
                    p.addLast("keep-alive", new HttpServerKeepAliveHandler());
                    p.addLast(
                        "body", new BodyLimit(settings.maxRequestSize(), HttpJsonServer.this));
                    p.addLast("json", new HttpJsonHandler(HttpJsonServer.this));
                  }
                });
    try {
      listener =
          bootstrap.bind(new InetSocketAddress(settings.host(), settings.port())).sync().channel();
    } catch (Exception e) {
      close();
      throw new UncheckedIOException(
          new IOException(
              "cannot bind HTTP/JSON on "
                  + settings.host()
                  + ":"
                  + settings.port()
                  + ": "
                  + e.getMessage(),
              e));
    }
    log.info(
        "serving HTTP/JSON on {}://{}:{} ({} binding(s){})",
        ssl != null ? "https" : "http",
        settings.host(),
        port(),
        routes.bindings().size(),
        staticFiles != null ? ", static files" : "");
    return this;
  }

  private static SslContext sslContext(Tls tls) {
    try {
      return SslContextBuilder.forServer(tls.keyManager())
          .trustManager(tls.clientTrust())
          .clientAuth(ClientAuth.OPTIONAL)
          .protocols("TLSv1.3", "TLSv1.2")
          .build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new UncheckedIOException(
          new IOException("cannot set up TLS for HTTP/JSON: " + e.getMessage(), e));
    }
  }

  /** The bound port. */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /**
   * Stops accepting connections; requests already received are still answered. Safe to call more
   * than once.
   */
  public void stopAccepting() {
    Channel l = listener;
    if (l != null && l.isOpen()) {
      l.close().syncUninterruptibly();
    }
  }

  /** Waits until no call is running, for at most {@code timeout}; whether none is. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (inFlight.get() > 0) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      Thread.sleep(10); // shutdown only: a short poll, no condition to signal from the event loops
    }
    return true;
  }

  /** Closes every connection and stops the event loops (the handler pool belongs to the server). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return; // the server closes it before awaiting its handlers, and again on the way out
    }
    stopAccepting();
    channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
  }

  HttpSettings settings() {
    return settings;
  }

  HttpRoutes routes() {
    return routes;
  }

  StaticFileRoute staticFiles() {
    return staticFiles;
  }

  RequestTranscoder transcoder() {
    return transcoder;
  }

  JsonCodec codec() {
    return codec;
  }

  HttpMetrics metrics() {
    return metrics;
  }

  Executor executor() {
    return executor;
  }

  RequestValidation validation() {
    return validation;
  }

  void callStarted() {
    inFlight.incrementAndGet();
  }

  void callEnded() {
    inFlight.decrementAndGet();
  }

  /**
   * Aggregates a request's body, answering 413 with a JSON status when it is larger than allowed.
   */
  private static final class BodyLimit extends HttpObjectAggregator {
    private final HttpJsonServer server;

    BodyLimit(int maxContentLength, HttpJsonServer server) {
      super(maxContentLength);
      this.server = server;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      com.google.rpc.Status status =
          RpcErrors.status(
              Status.Code.RESOURCE_EXHAUSTED,
              ErrorReason.REQUEST_TOO_LARGE,
              "request body larger than " + server.settings.maxRequestSize() + " bytes");
      byte[] body = server.codec.printStatus(status).getBytes(StandardCharsets.UTF_8);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              Unpooled.wrappedBuffer(body));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      HttpUtil.setContentLength(response, body.length);
      server.metrics.count("-", "-", 413);
      // The rest of the body is not read: answer, then close the connection.
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
