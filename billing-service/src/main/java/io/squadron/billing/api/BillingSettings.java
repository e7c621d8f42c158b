package io.squadron.billing.api;

import com.typesafe.config.Config;
import io.squadron.billing.engine.PaymentEngine;
import io.squadron.billing.ledger.FeeSchedule;
import io.squadron.billing.payment.RouteTable;
import io.squadron.billing.provider.ProviderRegistry;
import io.squadron.billing.reconcile.Reconciler;
import io.squadron.proto.billing.v1.PaymentMethodType;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import io.squadron.store.kafka.KafkaSettings;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * billing's typed settings ({@code squadron.billing}, defaults in its reference.conf), validated at
 * start with errors that name the key.
 *
 * @param enabledProviders the providers billing runs adapters for
 * @param engine idempotency lease and TTL, operators
 * @param callbacks the callback endpoint
 * @param reconcile the reconciler's rhythm
 * @param reconcileEnabled whether this instance runs a reconciler
 * @param routes which providers serve which method where
 * @param exploration the routing exploration share
 * @param window the routing success-rate window
 * @param fees the providers' price lists
 * @param connectTimeout connecting to a provider
 * @param controlUrl the provider simulator's control API, when there is one (local runs and tests)
 * @param events the payment events
 */
public record BillingSettings(
    List<String> enabledProviders,
    PaymentEngine.Settings engine,
    Callbacks callbacks,
    Reconciler.Settings reconcile,
    boolean reconcileEnabled,
    RouteTable routes,
    double exploration,
    Duration window,
    Map<String, FeeSchedule> fees,
    Duration connectTimeout,
    String controlUrl,
    Events events) {

  /** The shortest idempotency TTL allowed: callers may retry for a day. */
  public static final Duration MIN_KEY_TTL = Duration.ofHours(24);

  /**
   * The callback endpoint.
   *
   * @param host bind address
   * @param port bind port (0: any)
   * @param threads workers
   * @param maxBodyBytes larger bodies get 413
   * @param tolerance accepted signature age
   * @param publicUrl the URL template given to providers (empty: derived from the bound address)
   */
  public record Callbacks(
      String host, int port, int threads, int maxBodyBytes, Duration tolerance, String publicUrl) {}

  /**
   * The payment events ({@code squadron.billing.events}).
   *
   * @param enabled whether payment changes append events to the outbox and a relay publishes them
   * @param topic the topic's name (the Kafka store's topic prefix goes before it)
   * @param partitions the topic's partitions when billing creates it
   * @param kafka the Kafka store ({@code squadron.stores.kafka}), when enabled
   * @param sessionCallers callers whose payment reference is their checkout session id
   */
  public record Events(
      boolean enabled,
      String topic,
      int partitions,
      Optional<KafkaSettings> kafka,
      Set<String> sessionCallers) {}

  /** Reads and validates {@code squadron.billing}. */
  public static BillingSettings from(Config root) {
    ConfigReader b = ConfigReader.at(root, "squadron.billing");
    List<String> enabled = b.strings("providers.enabled");
    for (String p : enabled) {
      if (!ProviderRegistry.KNOWN.contains(p)) {
        throw new InvalidConfigException(
            b.key("providers.enabled"),
            "'" + p + "' (expected some of: " + ProviderRegistry.KNOWN + ")");
      }
    }
    ConfigReader idem = b.child("idempotency");
    Duration ttl = idem.positiveDuration("ttl");
    if (ttl.compareTo(MIN_KEY_TTL) < 0) {
      throw new InvalidConfigException(
          idem.key("ttl"), ttl + " (expected: at least 24h; callers retry for a day)");
    }
    PaymentEngine.Settings engine =
        new PaymentEngine.Settings(
            idem.positiveDuration("lease"), ttl, Set.copyOf(b.strings("operators")));
    ConfigReader cb = b.child("callbacks");
    Callbacks callbacks =
        new Callbacks(
            cb.nonEmptyString("host"),
            cb.port("port"),
            cb.intInRange("threads", 1, 256),
            cb.intInRange("max-body-bytes", 1024, 16 << 20),
            cb.positiveDuration("tolerance"),
            cb.string("public-url"));
    if (!callbacks.publicUrl().isEmpty() && !callbacks.publicUrl().matches("https?://\\S+")) {
      throw new InvalidConfigException(cb.key("public-url"), "not an http(s) URL");
    }
    ConfigReader rc = b.child("reconcile");
    Reconciler.Settings reconcile =
        new Reconciler.Settings(
            rc.positiveDuration("interval"),
            rc.intInRange("batch-size", 1, 10_000),
            rc.intInRange("threads", 1, 256),
            rc.positiveDuration("lease"),
            idem.positiveDuration("sweep-interval"));
    ConfigReader routing = b.child("routing");
    RouteTable routes = routes(routing.child("methods"), new HashSet<>(enabled));
    Map<String, FeeSchedule> fees = new LinkedHashMap<>();
    ConfigReader f = b.child("fees");
    for (String provider : f.keys()) {
      ConfigReader p = f.child(provider);
      fees.put(
          provider,
          new FeeSchedule(
              p.intInRange("basis-points", 0, 10_000),
              p.intInRange("fixed", 0, Integer.MAX_VALUE),
              p.intInRange("return-fee", 0, Integer.MAX_VALUE)));
    }
    String controlUrl =
        root.hasPath("squadron.providers.control-url")
            ? root.getString("squadron.providers.control-url")
            : "";
    return new BillingSettings(
        List.copyOf(enabled),
        engine,
        callbacks,
        reconcile,
        rc.bool("enabled"),
        routes,
        routing.doubleInRange("exploration", 0, 0.5),
        routing.positiveDuration("window"),
        fees,
        b.child("provider-defaults").positiveDuration("connect-timeout"),
        controlUrl,
        events(root, b.child("events")));
  }

  private static Events events(Config root, ConfigReader e) {
    boolean enabled = e.bool("enabled");
    // Kafka is required only when the events are on (KafkaSettings names the missing or bad key).
    Optional<KafkaSettings> kafka =
        enabled ? Optional.of(KafkaSettings.from(root)) : Optional.empty();
    return new Events(
        enabled,
        e.nonEmptyString("topic"),
        e.intInRange("partitions", 1, 1024),
        kafka,
        Set.copyOf(e.strings("session-callers")));
  }

  private static RouteTable routes(ConfigReader methods, Set<String> enabled) {
    Map<PaymentMethodType, RouteTable.MethodRoutes> out = new EnumMap<>(PaymentMethodType.class);
    for (String name : methods.keys()) {
      PaymentMethodType type;
      try {
        type = PaymentMethodType.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(
            methods.key(name),
            "not a payment method (expected e.g. card, " + "sepa-debit, gift-card)");
      }
      ConfigReader m = methods.child(name);
      List<String> providers = m.strings("providers");
      providers.forEach(p -> requireEnabled(m, "providers", p, enabled));
      Map<String, List<String>> byCountry = new LinkedHashMap<>();
      if (m.has("by-country")) {
        ConfigReader bc = m.child("by-country");
        for (String country : bc.keys()) {
          List<String> order = bc.strings(country);
          order.forEach(p -> requireEnabled(bc, country, p, enabled));
          byCountry.put(country, order);
        }
      }
      long min = m.has("min-amount") ? m.intInRange("min-amount", 1, Integer.MAX_VALUE) : 1;
      long max =
          m.has("max-amount") ? m.intInRange("max-amount", 1, Integer.MAX_VALUE) : 99_999_999_999L;
      try {
        out.put(
            type,
            new RouteTable.MethodRoutes(
                providers.stream().filter(enabled::contains).toList(),
                Set.copyOf(m.strings("countries")),
                byCountry,
                min,
                max));
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException(m.key("providers"), e.getMessage());
      }
    }
    return new RouteTable(out);
  }

  private static void requireEnabled(
      ConfigReader r, String key, String provider, Set<String> enabled) {
    if (!ProviderRegistry.KNOWN.contains(provider)) {
      throw new InvalidConfigException(
          r.key(key), "'" + provider + "' is not a provider billing knows");
    }
  }
}
