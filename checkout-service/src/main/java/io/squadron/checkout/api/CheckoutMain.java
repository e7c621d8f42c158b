package io.squadron.checkout.api;

import com.typesafe.config.Config;
import io.grpc.StatusRuntimeException;
import io.squadron.checkout.catalog.Catalog;
import io.squadron.checkout.entitlements.EntitlementStore;
import io.squadron.checkout.events.CheckoutEvents;
import io.squadron.checkout.offers.Offer;
import io.squadron.checkout.offers.OfferStore;
import io.squadron.checkout.pricing.QuoteSigner;
import io.squadron.checkout.session.Billing;
import io.squadron.checkout.session.CheckoutException;
import io.squadron.checkout.session.CheckoutFlow;
import io.squadron.checkout.session.CheckoutSettings;
import io.squadron.checkout.session.SessionStore;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.rpc.errors.RpcErrors;
import io.squadron.rpc.platform.Platform;
import io.squadron.rpc.server.SquadronServer;
import io.squadron.store.StoreErrors;
import io.squadron.store.kafka.KafkaSettings;
import io.squadron.store.postgres.PostgresSettings;
import io.squadron.store.postgres.PostgresStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;

/**
 * Starts checkout: {@code java ... CheckoutMain [--config FILE]}. Configuration: {@code
 * squadron.checkout} (catalog, offers, timings, the quote-signing secret), store-support's {@code
 * squadron.stores.postgres}, Kafka for the events it consumes ({@code squadron.stores.kafka},
 * {@code squadron.checkout.events}), where billing is ({@code squadron.clients.billing}), and
 * {@code squadron.http} for the HTTP/JSON face and the web checkout.
 */
public final class CheckoutMain {
  private CheckoutMain() {}

  public static void main(String[] args) {
    Platform.run(CheckoutMain.class, args, CheckoutMain::start);
  }

  /**
   * Builds and starts the service from a resolved config (also used by tests, benchmarks and the
   * local platform).
   */
  public static SquadronServer start(Config config) {
    return start(config, Clock.systemUTC());
  }

  /**
   * As {@link #start(Config)}, on {@code clock} (tests move time to expire quotes and sessions).
   */
  public static SquadronServer start(Config config, Clock clock) {
    return Platform.start(
        config,
        service -> {
          CheckoutSettings settings = CheckoutSettings.from(config);
          Catalog catalog = Catalog.from(ConfigReader.at(config, "squadron.checkout.catalog"));
          QuoteSigner signer = new QuoteSigner(signingKey(config));
          PostgresStore pg =
              service.register(
                  PostgresStore.open(
                      PostgresSettings.from(config), service.name(), service.meterRegistry()));
          pg.migrate("checkout", "db/checkout");
          OfferStore offers = new OfferStore(pg.dataSource());
          seedOffers(config, offers);
          // Billing's payment events finish sessions (a SEPA debit settles days later) and grant or
          // revoke plans; userdb's UserDeleted makes checkout forget the user.
          service.register(
              CheckoutEvents.start(
                  CheckoutEvents.Settings.from(config),
                  KafkaSettings.from(config),
                  service.name(),
                  pg.dataSource(),
                  service.meterRegistry(),
                  clock));
          SecureRandom random = new SecureRandom();
          CheckoutFlow flow =
              new CheckoutFlow(
                  catalog,
                  offers,
                  new SessionStore(pg.dataSource()),
                  new Billing(service.channel("billing"), settings.billingDeadline()),
                  signer,
                  settings,
                  clock,
                  () -> CheckoutFlow.newId(random));
          return service
              .server()
              .service(
                  new CheckoutGrpcService(catalog, flow, new EntitlementStore(pg.dataSource())))
              .readinessCheck("postgres", pg::isReachable)
              .exceptionMapper(CheckoutMain::mapException);
        });
  }

  private static byte[] signingKey(Config config) {
    String key = "squadron.checkout.quote-signing-key";
    if (!config.hasPath(key)) {
      throw new InvalidConfigException(
          key, "missing (expected: at least 32 random bytes in Base64; a secret)");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(config.getString(key).trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          key, "not Base64 (expected: at least 32 random bytes in Base64)");
    }
    if (bytes.length < 32) {
      throw new InvalidConfigException(key, bytes.length + " bytes (expected: at least 32)");
    }
    return bytes;
  }

  /**
   * The codes in {@code squadron.checkout.offers} are added when missing (existing codes keep their
   * counts).
   */
  private static void seedOffers(Config config, OfferStore offers) {
    ConfigReader r = ConfigReader.at(config, "squadron.checkout.offers");
    for (String code : r.keys()) {
      ConfigReader o = r.childKey(code);
      Instant expires;
      try {
        expires = Instant.parse(o.nonEmptyString("expires-at"));
      } catch (DateTimeParseException e) {
        throw new InvalidConfigException(
            o.key("expires-at"), "not an instant (expected: e.g. 2030-01-01T00:00:00Z)");
      }
      try {
        offers.addIfMissing(
            new Offer(
                code,
                o.has("percent-off") ? o.intInRange("percent-off", 0, 100) : 0,
                o.has("amount-off") ? o.intInRange("amount-off", 0, 100_000_000) : 0,
                o.optionalString("currency"),
                o.has("trial-days") ? o.intInRange("trial-days", 0, 366) : 0,
                o.intInRange("max-redemptions", 1, Integer.MAX_VALUE),
                expires,
                o.has("countries") ? o.strings("countries") : java.util.List.of()));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(r.key(code), e.getMessage());
      }
    }
  }

  private static Optional<StatusRuntimeException> mapException(Throwable error) {
    if (error instanceof CheckoutException e) {
      StatusRuntimeException status =
          e.field().isPresent()
              ? RpcErrors.of(
                  e.code(),
                  e.reason(),
                  e.getMessage(),
                  com.google.rpc.BadRequest.newBuilder()
                      .addFieldViolations(
                          com.google.rpc.BadRequest.FieldViolation.newBuilder()
                              .setField(e.field().get())
                              .setDescription(e.getMessage()))
                      .build())
              : RpcErrors.of(e.code(), e.reason(), e.getMessage());
      return Optional.of(status);
    }
    return StoreErrors.exceptionMapper().map(error);
  }
}
