package io.squadron.providers.sim.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.squadron.providers.sim.core.Money;
import io.squadron.providers.sim.core.Payment;
import io.squadron.providers.sim.core.Phase;
import io.squadron.providers.sim.core.Record;
import io.squadron.providers.sim.http.ApiError;
import io.squadron.providers.sim.http.ApiRequest;
import io.squadron.providers.sim.http.ApiResponse;
import io.squadron.providers.sim.http.Json;
import java.math.BigInteger;
import java.util.List;

/**
 * {@code gwallet}: a token wallet shaped like Google Pay through a gateway, with Google's API
 * conventions: amounts as {@code google.type.Money} ({@code currencyCode}, {@code units}, {@code
 * nanos}), custom methods ({@code /v1/charges/{id}:refund}), errors as {@code google.rpc.Status}.
 * The token is the JSON string Google Pay puts in {@code tokenizationData.token}. A {@code
 * CRYPTOGRAM_3DS} token is authenticated by the device; a {@code PAN_ONLY} token of a 3-D Secure
 * card needs a challenge ({@code PENDING_AUTHENTICATION}, the payer then authenticates or abandons;
 * 30 simulated minutes).
 */
public final class GWallet extends Provider {
  private static final long CHALLENGE_TIMEOUT_MS = 30 * 60_000L;
  private static final List<String> CODES =
      List.of(
          "CARD_DECLINED",
          "INSUFFICIENT_FUNDS",
          "EXPIRED_CARD",
          "FRAUD_SUSPECTED",
          "AUTHENTICATION_FAILED",
          "PROCESSOR_ERROR",
          "TOKEN_EXPIRED");

  /** The provider. */
  public GWallet() {
    super(
        "gwallet",
        "GWallet",
        "token wallet (gateway token, 3-D Secure for PAN_ONLY)",
        new Fees(150, 20, 1500));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/charges", this::charge)
        .get(
            "/v1/charges/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "charge"))))
        .post("/v1/charges/{id}:refund", this::refund);
  }

  /**
   * google.type.Money to minor units; {@code nanos} must not carry more precision than the currency
   * has.
   */
  static long minor(ObjectNode parent, String field) {
    ObjectNode money = Json.requiredObject(parent, field, field);
    String currency =
        Money.currency(
            Json.requiredString(money, "currencyCode", field + ".currencyCode", 3),
            field + ".currencyCode");
    String units =
        Json.requiredMatching(
            money,
            "units",
            field + ".units",
            java.util.regex.Pattern.compile("\\d{1,12}"),
            "a string of digits (int64 units)");
    long nanos = Json.optionalLong(money, "nanos", field + ".nanos", 0, 999_999_999, 0);
    int exponent = Money.exponent(currency);
    long step = BigInteger.TEN.pow(9 - exponent).longValueExact();
    if (nanos % step != 0) {
      throw ApiError.badField(
          field + ".nanos", nanos + " is finer than the minor unit of " + currency);
    }
    long minor =
        Long.parseLong(units) * BigInteger.TEN.pow(exponent).longValueExact() + nanos / step;
    return Money.amount(minor, field);
  }

  static ObjectNode money(long minor, String currency) {
    int exponent = Money.exponent(currency);
    long scale = BigInteger.TEN.pow(exponent).longValueExact();
    return Json.object()
        .put("currencyCode", currency)
        .put("units", Long.toString(minor / scale))
        .put("nanos", (minor % scale) * BigInteger.TEN.pow(9 - exponent).longValueExact());
  }

  private ApiResponse charge(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String orderId = Json.requiredString(b, "orderId", "orderId", 128);
    long amount = minor(b, "amount");
    String currency =
        Money.currency(b.path("amount").path("currencyCode").asText(), "amount.currencyCode");
    ObjectNode pmd = Json.requiredObject(b, "paymentMethodData", "paymentMethodData");
    ObjectNode tokenization =
        Json.requiredObject(pmd, "tokenizationData", "paymentMethodData.tokenizationData");
    String token =
        Json.requiredString(
            tokenization, "token", "paymentMethodData.tokenizationData.token", 8192);
    Record device =
        DeviceTokens.redeem(ctx, tokenRef(token), "paymentMethodData.tokenizationData.token");
    Payment p =
        ctx.newPayment(
            ctx.keyedId("gch_", "charge"), orderId, amount, currency, "PROCESSING", Phase.PENDING);
    p.attrs.put("card_network", device.get("brand").toUpperCase());
    p.attrs.put("card_details", device.get("last4"));
    p.attrs.put("auth_method", device.get("auth_method"));
    device.put("used_by", p.id);
    ctx.save(device);
    TestCards.Outcome outcome = TestCards.outcome(device.get("number"));
    String code = ctx.injectedDecline(p.id, "charge");
    if (code == null && DeviceTokens.expired(ctx, device)) {
      code = "TOKEN_EXPIRED";
    }
    if (code == null && outcome.threeDs() && device.get("auth_method").equals("PAN_ONLY")) {
      p.attrs.put("authentication_url", ctx.publicUrl() + "/gwallet/authenticate/" + p.id);
      p.attrs.put(
          "three_ds",
          outcome == TestCards.Outcome.THREE_DS_FAILS ? "always_fails" : "payer_decides");
      ctx.set(p, "PENDING_AUTHENTICATION", Phase.REQUIRES_ACTION);
      ctx.schedule(p, "abandon", ctx.now() + CHALLENGE_TIMEOUT_MS);
      ctx.awaitCustomer(p);
      ctx.emit(p, "charge.authentication_required");
      return ApiResponse.ok(view(p));
    }
    if (code == null) {
      code =
          switch (outcome) {
            case INSUFFICIENT_FUNDS -> "INSUFFICIENT_FUNDS";
            case GENERIC_DECLINE, INCORRECT_CVC -> "CARD_DECLINED";
            case EXPIRED_CARD -> "EXPIRED_CARD";
            case FRAUD -> "FRAUD_SUSPECTED";
            case PROCESSING_ERROR -> "PROCESSOR_ERROR";
            default -> null;
          };
    }
    if (code != null) {
      decline(ctx, p, code);
    } else {
      succeed(ctx, p);
    }
    return ApiResponse.ok(view(p));
  }

  private static String tokenRef(String token) {
    try {
      JsonNode outer = Json.MAPPER.readTree(token);
      JsonNode signed = Json.MAPPER.readTree(outer.path("signedMessage").asText());
      JsonNode ref = signed.path("tokenRef");
      return ref.isTextual() ? ref.asText() : null;
    } catch (java.io.IOException e) {
      throw new ApiError(
          400,
          "invalid_payment_token",
          "paymentMethodData.tokenizationData.token: not a wallet "
              + "payment token (expected the JSON string the wallet returned)",
          "paymentMethodData.tokenizationData.token");
    }
  }

  private void succeed(Ctx ctx, Payment p) {
    ctx.cancelTimers(p);
    ctx.capture(p, p.amount, p.id);
    ctx.set(p, "SUCCEEDED", Phase.SUCCEEDED);
    ctx.emit(p, "charge.succeeded");
  }

  private void decline(Ctx ctx, Payment p, String code) {
    ctx.cancelTimers(p);
    ctx.fail(p, "DECLINED", Phase.FAILED, code);
    ctx.emit(p, "charge.declined");
  }

  private ApiResponse refund(Ctx ctx, ApiRequest req) {
    Payment p = require(ctx, req.param("id"), "charge");
    if (p.phase != Phase.SUCCEEDED) {
      throw new ApiError(
          400,
          "FAILED_PRECONDITION",
          "charge " + p.id + " is " + p.status + " (expected: SUCCEEDED)");
    }
    long amount = req.body().has("amount") ? minor(req.body(), "amount") : p.netCharged();
    String refundId = ctx.keyedId("grf_", "refund");
    ctx.refund(p, amount, refundId, "amount");
    ctx.emit(p, "charge.refunded", view(p).put("refundId", refundId));
    ObjectNode out =
        Json.object().put("refundId", refundId).put("chargeId", p.id).put("state", "SUCCEEDED");
    out.set("amount", money(amount, p.currency));
    return ApiResponse.ok(out);
  }

  @Override
  public List<String> customerActions() {
    return List.of("authenticate", "abandon");
  }

  @Override
  public String autoApproveAction() {
    return "authenticate";
  }

  @Override
  public String autoDeclineAction() {
    return "abandon";
  }

  @Override
  public void onCustomer(Ctx ctx, Payment p, String action, ObjectNode body) {
    if (!customerActions().contains(action)) {
      super.onCustomer(ctx, p, action, body);
    }
    if (!p.status.equals("PENDING_AUTHENTICATION")) {
      throw new ApiError(
          409,
          "FAILED_PRECONDITION",
          "charge " + p.id + " is " + p.status + " (expected: PENDING_AUTHENTICATION)");
    }
    boolean pass =
        action.equals("authenticate")
            && !"fail".equals(Json.optionalString(body, "result", "result", 8))
            && !"always_fails".equals(p.attr("three_ds"));
    if (!pass) {
      decline(ctx, p, "AUTHENTICATION_FAILED");
      return;
    }
    String code = ctx.injectedDecline(p.id, "after-3ds");
    if (code != null) {
      decline(ctx, p, code);
    } else {
      succeed(ctx, p);
    }
  }

  @Override
  public void onTimer(Ctx ctx, Payment p, String action) {
    if (action.equals("abandon") && p.status.equals("PENDING_AUTHENTICATION")) {
      decline(ctx, p, "AUTHENTICATION_FAILED");
    }
  }

  @Override
  public List<String> controlOperations() {
    return List.of("device-token");
  }

  @Override
  public ObjectNode control(Ctx ctx, String operation, ObjectNode body) {
    if (!operation.equals("device-token")) {
      return super.control(ctx, operation, body);
    }
    String method = Json.optionalString(body, "auth_method", "auth_method", 16);
    if (method == null) {
      method = "CRYPTOGRAM_3DS";
    }
    if (!method.equals("CRYPTOGRAM_3DS") && !method.equals("PAN_ONLY")) {
      throw ApiError.badField(
          "auth_method", "'" + method + "' (expected: CRYPTOGRAM_3DS or PAN_ONLY)");
    }
    Record device = DeviceTokens.mint(ctx, body, method);
    String signed =
        Json.write(
            Json.object()
                .put("tokenRef", device.id)
                .put("authMethod", method)
                .put("expiration", Long.parseLong(device.get("expires_ms"))));
    String token =
        Json.write(
            Json.object()
                .put("protocolVersion", "ECv2")
                .put("signature", ctx.id("", 43, "sig", device.id))
                .put("signedMessage", signed));
    ObjectNode out = Json.object();
    out.putObject("tokenizationData").put("type", "PAYMENT_GATEWAY").put("token", token);
    return out;
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode errorBody(ApiError e) {
    String status =
        switch (e.status()) {
          case 401 -> "UNAUTHENTICATED";
          case 404 -> "NOT_FOUND";
          case 409 -> "ABORTED";
          case 413 -> "OUT_OF_RANGE";
          case 422 -> "FAILED_PRECONDITION";
          case 503 -> "UNAVAILABLE";
          case 504 -> "DEADLINE_EXCEEDED";
          default -> e.status() >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
        };
    ObjectNode body = Json.object();
    ObjectNode error =
        body.putObject("error")
            .put("code", e.status())
            .put("message", e.getMessage())
            .put("status", status);
    error
        .putArray("details")
        .addObject()
        .put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
        .put("reason", e.code())
        .put("domain", "gwallet");
    if (e.field() != null) {
      error
          .withArray("details")
          .addObject()
          .put("@type", "type.googleapis.com/google.rpc.BadRequest")
          .putArray("fieldViolations")
          .addObject()
          .put("field", e.field())
          .put("description", e.getMessage());
    }
    return body;
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object().put("chargeId", p.id).put("orderId", p.reference).put("state", p.status);
    n.set("amount", money(p.amount, p.currency));
    n.set("refundedAmount", money(p.refundedAmount, p.currency));
    n.putObject("paymentMethodInfo")
        .put("cardNetwork", p.attr("card_network"))
        .put("cardDetails", p.attr("card_details"))
        .put("authMethod", p.attr("auth_method"));
    if (p.failureCode != null) {
      n.put("declineReason", p.failureCode);
    }
    if (p.status.equals("PENDING_AUTHENTICATION")) {
      n.put("authenticationUrl", p.attr("authentication_url"));
    }
    return n;
  }
}
