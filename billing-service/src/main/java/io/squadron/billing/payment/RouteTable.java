package io.squadron.billing.payment;

import static java.util.Objects.requireNonNull;

import io.squadron.proto.billing.v1.PaymentMethodType;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which providers serve which payment method where: per method an ordered list of providers (the
 * default failover order), the countries it is offered in, per-country orders that differ, and the
 * amounts it takes.
 */
public final class RouteTable {
  /** The method's routes. */
  public record MethodRoutes(
      List<String> providers,
      Set<String> countries,
      Map<String, List<String>> byCountry,
      long minAmount,
      long maxAmount) {
    /** Any country. */
    public static final String ANY_COUNTRY = "*";

    public MethodRoutes {
      providers = List.copyOf(providers);
      if (providers.isEmpty()) {
        throw new IllegalArgumentException("providers: empty (expected: at least one)");
      }
      countries = Set.copyOf(countries);
      byCountry = Map.copyOf(byCountry);
      if (minAmount < 1 || maxAmount < minAmount) {
        throw new IllegalArgumentException(
            "amounts: " + minAmount + ".." + maxAmount + " (expected: 1 <= min <= max)");
      }
    }

    /** Whether the method is offered in {@code country}. */
    public boolean offeredIn(String country) {
      return countries.contains(ANY_COUNTRY) || countries.contains(country);
    }
  }

  private final Map<PaymentMethodType, MethodRoutes> methods;

  /** A table of {@code methods}. */
  public RouteTable(Map<PaymentMethodType, MethodRoutes> methods) {
    requireNonNull(methods, "methods");
    this.methods = methods.isEmpty() ? Map.of() : new EnumMap<>(methods);
  }

  /** The routes of {@code method}, if it is configured at all. */
  public Optional<MethodRoutes> routes(PaymentMethodType method) {
    return Optional.ofNullable(methods.get(method));
  }

  /** The configured methods, in the enum's order. */
  public List<PaymentMethodType> methods() {
    return List.copyOf(methods.keySet());
  }

  /**
   * The providers of {@code method} in {@code country}, in order; empty where it is not offered.
   */
  public List<String> providers(PaymentMethodType method, String country) {
    MethodRoutes r = methods.get(method);
    if (r == null || !r.offeredIn(country)) {
      return List.of();
    }
    return r.byCountry().getOrDefault(country, r.providers());
  }

  /** The config name of {@code method} ({@code CARRIER_BILLING} is {@code carrier-billing}). */
  public static String configName(PaymentMethodType method) {
    return method.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
