package io.squadron.providers.sim;

import static java.util.Objects.requireNonNull;

import io.squadron.providers.sim.control.ControlApi;
import io.squadron.providers.sim.core.Journal;
import io.squadron.providers.sim.core.SimClock;
import io.squadron.providers.sim.engine.Simulator;
import io.squadron.providers.sim.http.HttpFront;
import io.squadron.providers.sim.provider.Catalog;
import io.squadron.providers.sim.webhook.WebhookDispatcher;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A running payment provider simulator: 16 providers under {@code http://host:port/<provider>/...}
 * and the control API under {@code /_control/...}. {@link ProvidersSimMain} runs one as a process;
 * tests may start one in their own JVM on a free port:
 *
 * <pre>{@code
 * try (ProvidersSim sim = ProvidersSim.start(SimSettings.builder().seed(7).build())) {
 *   URI cardpay = URI.create(sim.baseUrl() + "/cardpay");
 * }
 * }</pre>
 */
public final class ProvidersSim implements AutoCloseable {
  private final Simulator simulator;
  private final HttpFront front;
  private final String baseUrl;

  private ProvidersSim(Simulator simulator, HttpFront front, String baseUrl) {
    this.simulator = simulator;
    this.front = front;
    this.baseUrl = baseUrl;
  }

  /** Restores the state directory (if any), binds and serves. */
  public static ProvidersSim start(SimSettings settings) {
    requireNonNull(settings, "settings");
    // The JDK server delays small responses (Nagle) unless told otherwise; read once when the
    // server class loads.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    SimClock clock =
        new SimClock(settings.clockMode, settings.clockStart, System::currentTimeMillis);
    Journal journal =
        settings.stateDir == null ? Journal.inMemory() : Journal.in(settings.stateDir);
    WebhookDispatcher.Options options =
        new WebhookDispatcher.Options(
            settings.webhookMaxInFlight,
            settings.webhookTimeout,
            settings.webhookInitialBackoff,
            settings.webhookMaxBackoff,
            settings.webhookMaxAttempts);
    Simulator simulator =
        new Simulator(
            settings.seed,
            settings.secretSeed,
            clock,
            journal,
            Catalog.all(),
            options,
            settings.webhookUrl,
            settings.idempotencyTtl);
    HttpFront front = null;
    try {
      simulator.restore();
      front =
          new HttpFront(
              simulator,
              new ControlApi(simulator, settings.reportDir),
              settings.host,
              settings.port,
              settings.httpThreads,
              settings.httpMaxQueue,
              settings.maxBodyBytes);
      String baseUrl =
          settings.publicUrl.isBlank()
              ? "http://" + settings.host + ":" + front.port()
              : settings.publicUrl.replaceAll("/+$", "");
      simulator.publicUrl(baseUrl);
      front.start();
      return new ProvidersSim(simulator, front, baseUrl);
    } catch (IOException e) {
      simulator.close();
      throw new UncheckedIOException("cannot bind " + settings.host + ":" + settings.port, e);
    } catch (RuntimeException e) {
      if (front != null) {
        front.close();
      }
      simulator.close();
      throw e;
    }
  }

  /** {@code http://host:port}: providers under {@code /<name>}, control under {@code /_control}. */
  public String baseUrl() {
    return baseUrl;
  }

  /** The bound port. */
  public int port() {
    return front.port();
  }

  /** Stops serving and flushes the journal. */
  @Override
  public void close() {
    front.close();
    simulator.close();
  }
}
