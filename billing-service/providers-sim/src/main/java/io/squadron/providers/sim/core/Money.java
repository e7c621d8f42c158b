package io.squadron.providers.sim.core;

import io.squadron.providers.sim.http.ApiError;
import java.math.BigDecimal;
import java.util.Currency;
import java.util.Locale;
import java.util.Set;

/**
 * Amounts in minor units (cents, centavos, paise; yen have none) and the decimal strings some
 * providers use instead. The number of decimals comes from ISO 4217 through {@link Currency}.
 */
public final class Money {
  /**
   * The largest amount any simulated provider accepts, in minor units (10 billion major units of 2
   * decimals).
   */
  public static final long MAX_MINOR = 1_000_000_000_000L;

  private Money() {}

  /**
   * The ISO 4217 code upper-cased, checked to be a real currency with a fixed number of decimals.
   */
  public static String currency(String code, String field) {
    if (code == null || !code.matches("[A-Za-z]{3}")) {
      throw ApiError.badField(
          field, "'" + code + "' is not an ISO 4217 currency code (expected: 3 letters)");
    }
    String upper = code.toUpperCase(Locale.ROOT);
    try {
      Currency currency = Currency.getInstance(upper);
      if (currency.getDefaultFractionDigits() < 0) {
        throw ApiError.badField(field, "'" + code + "' has no fixed minor unit");
      }
    } catch (IllegalArgumentException e) {
      throw ApiError.badField(field, "'" + code + "' is not an ISO 4217 currency code");
    }
    return upper;
  }

  /** {@link #currency} that must also be one of {@code allowed}. */
  public static String currency(String code, String field, Set<String> allowed) {
    String upper = currency(code, field);
    if (!allowed.contains(upper)) {
      throw new ApiError(
          400,
          "currency_not_supported",
          field
              + ": "
              + upper
              + " is not supported (expected: one of "
              + String.join(", ", new java.util.TreeSet<>(allowed))
              + ")",
          field);
    }
    return upper;
  }

  /** The number of decimals of the (valid) currency. */
  public static int exponent(String currency) {
    return Currency.getInstance(currency).getDefaultFractionDigits();
  }

  /** Checks a minor-unit amount: positive and at most {@link #MAX_MINOR}. */
  public static long amount(long minor, String field) {
    if (minor <= 0 || minor > MAX_MINOR) {
      throw ApiError.badField(field, minor + " (expected: 1.." + MAX_MINOR + " in minor units)");
    }
    return minor;
  }

  /**
   * Minor units as a decimal string with the currency's decimals: 1234 EUR -> "12.34", 500 JPY ->
   * "500".
   */
  public static String decimal(long minor, String currency) {
    return BigDecimal.valueOf(minor, exponent(currency)).toPlainString();
  }

  /**
   * A decimal string ("12.34", "12.3", "12") to minor units; more decimals than the currency has is
   * an error.
   */
  public static long parseDecimal(String value, String currency, String field) {
    if (value == null || !value.matches("\\d{1,13}(\\.\\d{1,4})?")) {
      throw ApiError.badField(
          field, "'" + value + "' is not a decimal amount (expected: e.g. \"12.34\")");
    }
    BigDecimal decimal = new BigDecimal(value);
    int exponent = exponent(currency);
    if (decimal.scale() > exponent) {
      throw ApiError.badField(
          field, "'" + value + "' has more than " + exponent + " decimals for " + currency);
    }
    return amount(decimal.movePointRight(exponent).longValueExact(), field);
  }
}
