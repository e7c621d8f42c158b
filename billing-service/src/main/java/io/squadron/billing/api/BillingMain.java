package io.squadron.billing.api;

import com.typesafe.config.Config;
import io.squadron.billing.callback.CallbackHandler;
import io.squadron.billing.callback.CallbackServer;
import io.squadron.billing.engine.InstrumentCrypto;
import io.squadron.billing.engine.PaymentEngine;
import io.squadron.billing.engine.PaymentIds;
import io.squadron.billing.event.PaymentEvents;
import io.squadron.billing.payment.Router;
import io.squadron.billing.provider.ProviderMetrics;
import io.squadron.billing.provider.ProviderRegistry;
import io.squadron.billing.reconcile.ReconcileSchedule;
import io.squadron.billing.reconcile.Reconciler;
import io.squadron.billing.reconcile.SettlementReconciler;
import io.squadron.billing.store.PaymentStore;
import io.squadron.events.EventTopics;
import io.squadron.events.EventsSchema;
import io.squadron.events.relay.OutboxRelay;
import io.squadron.padlock.client.FieldCipher;
import io.squadron.padlock.client.PadlockClient;
import io.squadron.padlock.client.PadlockClientSettings;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.store.kafka.KafkaSettings;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.store.postgres.PostgresStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts billing: {@code java ... BillingMain [--config FILE]}. Configuration: {@code
 * squadron.billing} (its reference.conf), the PostgreSQL store ({@code squadron.stores.postgres}),
 * Padlock ({@code squadron.clients.padlock}), the providers ({@code
 * squadron.billing.providers.<name>}, or {@code squadron.providers} from the simulator), and Kafka
 * for the payment events ({@code squadron.stores.kafka.bootstrap-servers}, {@code
 * squadron.billing.events}).
 */
public final class BillingMain {
  private static final Logger log = LoggerFactory.getLogger(BillingMain.class);

  private BillingMain() {}

  public static void main(String[] args) {
    Platform.run(BillingMain.class, args, BillingMain::start);
  }

  /**
   * Builds and starts the service from a resolved config (also used by tests, benchmarks and the
   * local platform).
   */
  public static SquadronServer start(Config config) {
    Clock clock = Clock.systemUTC();
    return Platform.start(
        config,
        service -> {
          BillingSettings settings = BillingSettings.from(config);
          PostgresStore pg =
              service.register(
                  PostgresStore.open(
                      PostgresSettings.from(config), service.name(), service.meterRegistry()));
          pg.migrate("billing", "db/billing");
          Optional<PaymentEvents> events = Optional.empty();
          Optional<OutboxRelay> relay = Optional.empty();
          BillingSettings.Events ev = settings.events();
          if (ev.enabled()) {
            // The outbox beside billing's tables (its own Flyway history), the topic (brokers do
            // not create topics on first use), and one relay per instance (one of them at a time
            // works the outbox, the others stand by to take over).
            KafkaSettings kafka = ev.kafka().orElseThrow();
            String topic = kafka.name(ev.topic());
            EventsSchema.migrate(pg.dataSource());
            try (Admin admin = EventTopics.admin(kafka.bootstrapServers(), Map.of())) {
              EventTopics.ensure(admin, topic, ev.partitions());
            }
            relay =
                Optional.of(
                    service.register(
                        OutboxRelay.builder(pg.dataSource(), kafka.bootstrapServers())
                            .name(service.name())
                            .meterRegistry(service.meterRegistry())
                            .build()
                            .start()));
            events = Optional.of(new PaymentEvents(service.name(), topic, ev.sessionCallers()));
          }
          // A committed change with events wakes this instance's relay: they leave at once, and the
          // relay need not poll an idle outbox often.
          Optional<OutboxRelay> wakes = relay;
          PaymentStore store =
              new PaymentStore(pg.dataSource(), clock, () -> wakes.ifPresent(OutboxRelay::wakeUp));

          PadlockClient padlock =
              PadlockClient.builder(service.channel("padlock"))
                  .settings(PadlockClientSettings.from(config))
                  .build();
          InstrumentCrypto crypto =
              new InstrumentCrypto(FieldCipher.builder(padlock, service.name()).build());

          ExecutorService httpThreads =
              Executors.newCachedThreadPool(daemons("billing-provider-http"));
          service.register(httpThreads::shutdownNow);
          HttpClient http =
              HttpClient.newBuilder()
                  .version(HttpClient.Version.HTTP_1_1)
                  .connectTimeout(settings.connectTimeout())
                  .executor(httpThreads)
                  .build();
          ProviderMetrics metrics = new ProviderMetrics(service.meterRegistry());
          ProviderRegistry providers =
              ProviderRegistry.create(config, settings.enabledProviders(), http, metrics);
          Router router =
              new Router(
                  settings.routes(),
                  settings.exploration(),
                  settings.window(),
                  System::nanoTime,
                  () -> ThreadLocalRandom.current().nextDouble());
          PaymentEngine engine =
              new PaymentEngine(
                  store,
                  providers,
                  router,
                  crypto,
                  settings.fees(),
                  metrics,
                  ReconcileSchedule.from(config),
                  clock,
                  settings.engine(),
                  BillingErrors::map,
                  new PaymentIds(),
                  events);

          BillingSettings.Callbacks cb = settings.callbacks();
          CallbackServer callbacks;
          try {
            callbacks =
                service.register(
                    CallbackServer.start(
                        cb.host(),
                        cb.port(),
                        cb.threads(),
                        cb.maxBodyBytes(),
                        new CallbackHandler(
                            providers, store, engine, metrics, cb.tolerance(), Clock.systemUTC())));
          } catch (IOException e) {
            throw new UncheckedIOException(
                "cannot bind the callback endpoint " + cb.host() + ":" + cb.port(), e);
          }
          String callbackUrl =
              cb.publicUrl().isEmpty()
                  ? "http://" + cb.host() + ":" + callbacks.port() + "/webhooks/{provider}"
                  : cb.publicUrl();
          log.info("provider callbacks at {}", callbackUrl);
          if (!settings.controlUrl().isEmpty()) {
            registerWithSimulator(http, settings.controlUrl(), callbackUrl);
          }
          Reconciler reconciler =
              settings.reconcileEnabled()
                  ? service.register(
                      Reconciler.start(
                          store, engine, settings.reconcile(), service.meterRegistry()))
                  : null;
          SquadronServer.Builder server =
              service
                  .server()
                  .service(
                      new BillingGrpcService(engine, new SettlementReconciler(store), providers))
                  .readinessCheck("postgres", pg::isReachable)
                  .exceptionMapper(BillingErrors::map);
          if (reconciler != null) {
            server.adminAction(
                "reconcile-now", () -> "looked at " + reconciler.runRound() + " payments");
          }
          return server;
        });
  }

  /**
   * Local runs and tests only (the simulator's control API is configured): tells the simulator
   * where billing's callbacks go, as a merchant would in each provider's dashboard.
   */
  private static void registerWithSimulator(
      HttpClient http, String controlUrl, String callbackUrl) {
    String body = "{\"url\":\"" + callbackUrl.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(controlUrl + "/webhook-endpoint"))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .PUT(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "the provider simulator refused the callback URL: HTTP " + r.statusCode());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach the provider simulator at " + controlUrl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while registering the callback URL", e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemons(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
