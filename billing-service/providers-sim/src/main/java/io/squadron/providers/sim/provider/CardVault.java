package io.squadron.providers.sim.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.Record;
import io.squadron.providers.sim.http.ApiError;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * A provider's card vault: the card number goes in once, a token comes out, and only the token
 * travels afterwards (billing never holds a card number). Records of kind {@value #KIND}: number,
 * brand, last4, expiry.
 */
public final class CardVault {
  /** The record kind. */
  public static final String KIND = "card";

  private CardVault() {}

  /**
   * Validates and stores a card, returns its record (id = {@code token}).
   *
   * @param fields the request's field names for number, month, year and CVC, used in error messages
   */
  public static Record store(
      Ctx ctx, String token, String number, long month, long year, String cvc, String[] fields) {
    String digits = number.replace(" ", "");
    if (!Checks.luhn(digits)) {
      throw new ApiError(
          400,
          "invalid_number",
          fields[0] + ": not a valid card number (Luhn check failed or not " + "12..19 digits)",
          fields[0]);
    }
    if (month < 1 || month > 12) {
      throw new ApiError(
          400, "invalid_expiry_month", fields[1] + ": " + month + " (expected: 1..12)", fields[1]);
    }
    if (year < 2000 || year > 2100) {
      throw new ApiError(
          400,
          "invalid_expiry_year",
          fields[2] + ": " + year + " (expected: a 4-digit year)",
          fields[2]);
    }
    String brand = Checks.brand(digits);
    if (cvc != null && !cvc.matches(brand.equals("amex") ? "\\d{4}" : "\\d{3}")) {
      throw new ApiError(
          400,
          "invalid_cvc",
          fields[3] + ": expected " + (brand.equals("amex") ? 4 : 3) + " digits",
          fields[3]);
    }
    Record card =
        new Record(KIND, token)
            .put("number", digits)
            .put("brand", brand)
            .put("last4", digits.substring(digits.length() - 4))
            .put("exp_month", Long.toString(month))
            .put("exp_year", Long.toString(year));
    ctx.save(card);
    return card;
  }

  /** The stored card of {@code token}, or a 400 naming {@code field}. */
  public static Record find(Ctx ctx, String token, String field) {
    Record card = ctx.state().record(KIND, token);
    if (card == null) {
      throw new ApiError(
          400, "resource_missing", field + ": no such card token '" + token + "'", field);
    }
    return card;
  }

  /** Whether the card's expiry month lies before the simulated now. */
  public static boolean expired(Record card, long nowMs) {
    YearMonth expiry =
        YearMonth.of(
            Integer.parseInt(card.get("exp_year")), Integer.parseInt(card.get("exp_month")));
    return expiry.isBefore(YearMonth.from(Instant.ofEpochMilli(nowMs).atZone(ZoneOffset.UTC)));
  }

  /**
   * The canonical outcome of charging the card (an expired card is EXPIRED_CARD whatever its
   * number).
   */
  public static TestCards.Outcome outcome(Record card, long nowMs) {
    return expired(card, nowMs)
        ? TestCards.Outcome.EXPIRED_CARD
        : TestCards.outcome(card.get("number"));
  }

  /** The public part of a card: brand, last4, expiry (never the number). */
  public static void describe(Record card, ObjectNode into) {
    into.put("brand", card.get("brand"))
        .put("last4", card.get("last4"))
        .put("exp_month", Integer.parseInt(card.get("exp_month")))
        .put("exp_year", Integer.parseInt(card.get("exp_year")));
  }
}
