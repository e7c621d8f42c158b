package io.squadron.testkit.service;

import static java.util.Objects.requireNonNull;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.squadron.rpc.client.ChannelFactory;
import io.squadron.rpc.client.ClientSettings;
import io.squadron.rpc.client.ClientsSettings;
import io.squadron.rpc.config.ConfigLoader;
import io.squadron.rpc.server.SquadronServer;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a service for a test class and stops it afterwards:
 *
 * <pre>{@code
 * &#64;RegisterExtension
 * static final ServiceExtension SHUFFLE = ServiceExtension.of(() -> ShuffleMain.start(config));
 *
 * &#64;Test void shuffles() {
 *   var stub = SHUFFLE.stub(ShuffleServiceGrpc::newBlockingStub);
 * }
 * }</pre>
 *
 * <p>The server must bind port 0 (any free port). The default channel goes through rpc-core's client
 * ({@link ChannelFactory}, plaintext); a service running mutual TLS passes its own channel maker with
 * {@link #withChannel}. {@link #stop()} stops the service mid-test (to test a caller's reaction); it is stopped after
 * all tests in any case.
 */
public final class ServiceExtension implements BeforeAllCallback, AfterAllCallback {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Supplier<SquadronServer> starter;
  private final IntFunction<ManagedChannel> channelMaker;
  private SquadronServer server;
  private ManagedChannel channel;
  private ChannelFactory defaultChannels;

  private ServiceExtension(Supplier<SquadronServer> starter, IntFunction<ManagedChannel> channelMaker) {
    this.starter = starter;
    this.channelMaker = channelMaker;
  }

  /** A service started by {@code starter} (which returns a started server), called over plaintext. */
  public static ServiceExtension of(Supplier<SquadronServer> starter) {
    return new ServiceExtension(requireNonNull(starter, "starter"), null);
  }

  /** A copy that makes its channel with {@code channelMaker}, given the bound port (e.g. for mutual TLS). */
  public ServiceExtension withChannel(IntFunction<ManagedChannel> channelMaker) {
    return new ServiceExtension(starter, requireNonNull(channelMaker, "channelMaker"));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stop();
  }

  /** Starts the service (again, after {@link #stop()}) and waits until it reports ready. */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    server = requireNonNull(starter.get(), "starter returned null");
    awaitReady(server);
    if (channelMaker != null) {
      channel = channelMaker.apply(server.port());
    } else {
      ClientSettings defaults = ClientsSettings.from(ConfigLoader.withOverrides(
          com.typesafe.config.ConfigFactory.empty())).defaults();
      defaultChannels = ChannelFactory.builder(ClientsSettings.of(defaults)).build();
      channel = defaultChannels.channel(
          ClientSettings.forAddresses("service-under-test", List.of("127.0.0.1:" + server.port()), defaults));
    }
  }

  /** Stops the service gracefully and closes the channel. */
  public synchronized void stop() {
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
    }
    if (defaultChannels != null) {
      defaultChannels.close();
      defaultChannels = null;
    }
    if (server != null) {
      server.shutdownGracefully();
      server = null;
    }
  }

  /** The running server (its port, metrics registry, readiness). */
  public synchronized SquadronServer server() {
    if (server == null) {
      throw new IllegalStateException("the service is not running");
    }
    return server;
  }

  /** The bound gRPC port. */
  public int port() {
    return server().port();
  }

  /** The channel to the service. */
  public synchronized Channel channel() {
    if (channel == null) {
      throw new IllegalStateException("the service is not running");
    }
    return channel;
  }

  /** A stub over the channel, e.g. {@code stub(ShuffleServiceGrpc::newBlockingStub)}. */
  public <S> S stub(Function<Channel, S> newStub) {
    return newStub.apply(channel());
  }

  private static void awaitReady(SquadronServer server) {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    server.refreshReadiness();
    while (!server.readiness().isReady()) {
      if (System.nanoTime() > deadline) {
        List<String> failing = server.readiness().failing();
        server.shutdownGracefully();
        throw new IllegalStateException("service not ready after " + READY_TIMEOUT.toSeconds()
            + " s; failing checks: " + failing);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the service", e);
      }
      server.refreshReadiness();
    }
  }
}
