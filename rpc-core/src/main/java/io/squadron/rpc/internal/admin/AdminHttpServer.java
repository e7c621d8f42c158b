package io.squadron.rpc.internal.admin;

import static java.util.Objects.requireNonNull;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.squadron.rpc.admin.AdminAction;
import io.squadron.rpc.internal.health.Readiness;
import io.squadron.rpc.server.AdminSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin HTTP endpoint beside the gRPC port, on Netty: {@code GET /metrics} (Prometheus text),
 * {@code GET /healthz} (200 while the process lives) and {@code GET /readyz} (200 when every
 * readiness check passes, else 503 naming the failing checks) on one listener; {@code POST
 * /admin/<action>} for the operations a service registered (e.g. {@code reload-permissions}) on a
 * second listener bound to loopback only.
 *
 * <p>One event-loop thread reads every connection without blocking, so a client that sends half a
 * request holds no thread and cannot delay a probe; each connection has {@code request-timeout} to
 * deliver a complete, small request (line and headers bounded, body at most {@value #MAX_BODY}
 * bytes) and is closed after its answer. Probes are answered on the event loop (they read a flag);
 * scrapes and actions run on a small pool with a short queue, and a request finding it full gets
 * 503.
 */
public final class AdminHttpServer implements AutoCloseable {
  static final int MAX_BODY = 8 * 1024;
  private static final int WORKERS = 2;
  private static final int QUEUE = 16;

  private final EventLoopGroup loop;
  private final ThreadPoolExecutor workers;
  private final Channel observability;
  private final Channel actions;

  private AdminHttpServer(
      EventLoopGroup loop, ThreadPoolExecutor workers, Channel observability, Channel actions) {
    this.loop = loop;
    this.workers = workers;
    this.observability = observability;
    this.actions = actions;
  }

  /**
   * Starts the listeners {@code settings} enables.
   *
   * @throws IOException when a port cannot be bound
   */
  public static AdminHttpServer start(
      AdminSettings settings,
      PrometheusMeterRegistry registry,
      Readiness readiness,
      Map<String, AdminAction> adminActions)
      throws IOException {
    requireNonNull(settings, "settings");
    requireNonNull(registry, "registry");
    requireNonNull(readiness, "readiness");
    Map<String, AdminAction> byName = Map.copyOf(adminActions);
    EventLoopGroup loop =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("squadron-admin-http", true), NioIoHandler.newFactory());
    ThreadPoolExecutor workers =
        new ThreadPoolExecutor(
            WORKERS,
            WORKERS,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            new DefaultThreadFactory("squadron-admin-work", true),
            new ThreadPoolExecutor.AbortPolicy());
    try {
      Channel observability =
          bind(
              loop,
              settings,
              settings.host(),
              settings.port(),
              () -> AdminRoutes.observability(registry, readiness, workers));
      Channel actions = null;
      if (settings.actionsEnabled()) {
        actions =
            bind(
                loop,
                settings,
                settings.actionsHost(),
                settings.actionsPort(),
                () -> AdminRoutes.actions(byName, workers));
      }
      return new AdminHttpServer(loop, workers, observability, actions);
    } catch (IOException | RuntimeException e) {
      loop.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      workers.shutdownNow();
      throw e;
    }
  }

  private static Channel bind(
      EventLoopGroup loop,
      AdminSettings settings,
      String host,
      int port,
      java.util.function.Supplier<AdminRoutes> routes)
      throws IOException {
    AtomicInteger open = new AtomicInteger();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(loop)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 64)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    if (open.incrementAndGet() > settings.maxConnections()) {
                      open.decrementAndGet();
                      channel.close();
                      return;
                    }
                    channel.closeFuture().addListener(f -> open.decrementAndGet());
                    channel
                        .pipeline()
                        .addLast(new RequestDeadline(settings.requestTimeout()))
                        .addLast(new HttpServerCodec(4096, 8192, 8192))
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(new RequestDeadline.Met())
                        .addLast(routes.get());
                  }
                });
    try {
      return bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while binding " + host + ":" + port, e);
    } catch (Exception e) {
      // Netty rethrows the bind failure (a checked exception) as it is.
      throw new IOException(
          "cannot bind the admin endpoint to " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  /** The observability listener's port. */
  public int port() {
    return ((InetSocketAddress) observability.localAddress()).getPort();
  }

  /** The actions listener's port, or -1 when it is off. */
  public int actionsPort() {
    return actions == null ? -1 : ((InetSocketAddress) actions.localAddress()).getPort();
  }

  @Override
  public void close() {
    observability.close().syncUninterruptibly();
    if (actions != null) {
      actions.close().syncUninterruptibly();
    }
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownNow();
  }
}
