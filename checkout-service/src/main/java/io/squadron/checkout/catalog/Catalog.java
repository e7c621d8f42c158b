package io.squadron.checkout.catalog;

import static java.util.Objects.requireNonNull;

import io.squadron.checkout.pricing.TaxRule;
import io.squadron.proto.checkout.v1.Device;
import io.squadron.proto.checkout.v1.TaxMode;
import io.squadron.rpc.config.ConfigReader;
import io.squadron.rpc.config.InvalidConfigException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Plans and countries, from {@code squadron.checkout.catalog} (see application.conf): each country
 * has a currency, a tax rule, the pattern of its postal codes (and of business VAT ids, where they
 * exist) and a list price per plan and device in minor units.
 */
public final class Catalog {
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");
  private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");
  private static final Pattern PLAN_ID = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private final Map<String, Plan> plans;
  private final Map<String, Country> countries;

  /** A plan. */
  public record Plan(String id, String name, int accounts) {}

  /** A field's format: a whole-value regular expression and an example. */
  public record Format(Pattern pattern, String example) {
    public Format {
      requireNonNull(pattern, "pattern");
      requireNonNull(example, "example");
    }

    /** Whether {@code value} matches the whole pattern. */
    public boolean matches(String value) {
      return pattern.matcher(value).matches();
    }
  }

  /** A country's terms. */
  public record Country(
      String code,
      String currency,
      TaxRule tax,
      Format postalCode,
      Optional<Format> vatId,
      Map<String, Map<Device, Long>> prices) {
    /** The list price of {@code plan} on {@code device}, when the plan is on sale there. */
    public Optional<Long> price(String plan, Device device) {
      return Optional.ofNullable(prices.getOrDefault(plan, Map.of()).get(device));
    }
  }

  private Catalog(Map<String, Plan> plans, Map<String, Country> countries) {
    this.plans = plans;
    this.countries = countries;
  }

  /** Reads {@code squadron.checkout.catalog}; every bad value fails naming its key. */
  public static Catalog from(ConfigReader catalog) {
    Map<String, Plan> plans = new LinkedHashMap<>();
    ConfigReader p = catalog.child("plans");
    // HOCON objects have no order: plans are listed by the accounts they cover, then by id.
    List<String> ids =
        p.keys().stream()
            .sorted(
                java.util.Comparator.comparing((String id) -> accounts(p, id))
                    .thenComparing(id -> id))
            .toList();
    for (String id : ids) {
      if (!PLAN_ID.matcher(id).matches()) {
        throw new InvalidConfigException(
            p.key(id), "plan id '" + id + "' (expected: " + PLAN_ID + ")");
      }
      ConfigReader plan = p.childKey(id);
      plans.put(id, new Plan(id, plan.nonEmptyString("name"), plan.intInRange("accounts", 1, 100)));
    }
    Map<String, Country> countries = new LinkedHashMap<>();
    ConfigReader c = catalog.child("countries");
    for (String code : new java.util.TreeSet<>(c.keys())) {
      if (!COUNTRY.matcher(code).matches()) {
        throw new InvalidConfigException(
            c.key(code), "'" + code + "' (expected: ISO 3166-1 alpha-2, upper case)");
      }
      countries.put(code, country(code, c.childKey(code), plans));
    }
    return new Catalog(Collections.unmodifiableMap(plans), Collections.unmodifiableMap(countries));
  }

  private static int accounts(ConfigReader plans, String id) {
    ConfigReader plan = plans.childKey(id);
    return plan.has("accounts") ? plan.intInRange("accounts", 1, 100) : 1;
  }

  private static Country country(String code, ConfigReader r, Map<String, Plan> plans) {
    String currency = r.nonEmptyString("currency");
    if (!CURRENCY.matcher(currency).matches()) {
      throw new InvalidConfigException(
          r.key("currency"), "'" + currency + "' (expected: ISO 4217, upper case)");
    }
    String mode = r.nonEmptyString("tax.mode");
    TaxMode taxMode =
        switch (mode) {
          case "vat-included" -> TaxMode.VAT_INCLUDED;
          case "sales-tax-added" -> TaxMode.SALES_TAX_ADDED;
          default ->
              throw new InvalidConfigException(
                  r.key("tax.mode"), "'" + mode + "' (expected: vat-included or sales-tax-added)");
        };
    TaxRule tax = new TaxRule(taxMode, r.intInRange("tax.rate-bp", 0, 10_000));
    Format postal = format(r.child("postal-code"));
    Optional<Format> vat =
        r.has("vat-id") ? Optional.of(format(r.child("vat-id"))) : Optional.empty();
    Map<String, Map<Device, Long>> prices = new LinkedHashMap<>();
    ConfigReader pr = r.child("prices");
    for (String plan : pr.keys()) {
      if (!plans.containsKey(plan)) {
        throw new InvalidConfigException(
            pr.key(plan), "unknown plan (expected one of: " + plans.keySet() + ")");
      }
      ConfigReader byDevice = pr.childKey(plan);
      Map<Device, Long> perDevice = new java.util.EnumMap<>(Device.class);
      for (String device : byDevice.keys()) {
        Device d;
        try {
          d = Device.valueOf(device.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          d = Device.DEVICE_UNSPECIFIED;
        }
        if (d == Device.DEVICE_UNSPECIFIED || d == Device.UNRECOGNIZED) {
          throw new InvalidConfigException(
              byDevice.key(device), "unknown device (expected: web, android, ios)");
        }
        perDevice.put(d, (long) byDevice.intInRange(device, 0, 100_000_000));
      }
      prices.put(plan, Collections.unmodifiableMap(perDevice));
    }
    return new Country(code, currency, tax, postal, vat, Collections.unmodifiableMap(prices));
  }

  private static Format format(ConfigReader r) {
    String regex = r.nonEmptyString("pattern");
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new InvalidConfigException(
          r.key("pattern"), "not a regular expression: " + e.getDescription());
    }
    String example = r.nonEmptyString("example");
    if (!pattern.matcher(example).matches()) {
      throw new InvalidConfigException(
          r.key("example"), "'" + example + "' does not match its own pattern");
    }
    return new Format(pattern, example);
  }

  /** Every plan, by the accounts it covers, then by id. */
  public Map<String, Plan> plans() {
    return plans;
  }

  /** The plan with this id. */
  public Optional<Plan> plan(String id) {
    return Optional.ofNullable(plans.get(id));
  }

  /** The country with this code (ISO 3166-1 alpha-2, upper case). */
  public Optional<Country> country(String code) {
    return Optional.ofNullable(countries.get(code));
  }

  /** The codes of the countries on sale. */
  public java.util.Set<String> countryCodes() {
    return countries.keySet();
  }
}
