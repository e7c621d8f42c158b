package io.squadron.providers.sim.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.Record;
import io.squadron.providers.sim.http.ApiError;
import io.squadron.providers.sim.http.Json;

/**
 * The one-time payment tokens a phone's wallet hands the app (the card stays in the phone's secure
 * element; the app, then billing, only ever see the token). The simulator plays the phone through
 * the control operation {@code device-token}; a token is valid for 5 simulated minutes and for one
 * payment.
 */
final class DeviceTokens {
  static final String KIND = "devtoken";
  static final long VALIDITY_MS = 5 * 60_000L;

  private DeviceTokens() {}

  /**
   * Mints a token for the card in {@code body} ({@code card_number}, optional {@code exp_month},
   * {@code exp_year}).
   */
  static Record mint(Ctx ctx, ObjectNode body, String authMethod) {
    String number = Json.requiredString(body, "card_number", "card_number", 23).replace(" ", "");
    if (!Checks.luhn(number)) {
      throw ApiError.badField("card_number", "not a valid card number (Luhn check failed)");
    }
    long month = Json.optionalLong(body, "exp_month", "exp_month", 1, 12, 12);
    long year = Json.optionalLong(body, "exp_year", "exp_year", 2000, 2100, 2099);
    int seq = ctx.state().records(KIND).size() + 1;
    String id = ctx.id("dt_", 24, "device-token", Integer.toString(seq), number);
    Record token =
        new Record(KIND, id)
            .put("number", number)
            .put("brand", Checks.brand(number))
            .put("last4", number.substring(number.length() - 4))
            .put("exp_month", Long.toString(month))
            .put("exp_year", Long.toString(year))
            .put("auth_method", authMethod)
            .put("expires_ms", Long.toString(ctx.now() + VALIDITY_MS));
    ctx.save(token);
    return token;
  }

  /**
   * The token's record, checked unused and unexpired; {@code field} names the request field in
   * errors.
   */
  static Record redeem(Ctx ctx, String id, String field) {
    Record token = id == null ? null : ctx.state().record(KIND, id);
    if (token == null) {
      throw new ApiError(
          400,
          "invalid_payment_token",
          field + ": not a payment token issued by this wallet",
          field);
    }
    if (token.get("used_by") != null) {
      throw new ApiError(
          400,
          "token_already_used",
          field + ": this one-time token was already used for payment " + token.get("used_by"),
          field);
    }
    return token;
  }

  static boolean expired(Ctx ctx, Record token) {
    return ctx.now() >= Long.parseLong(token.get("expires_ms"));
  }
}
