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
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * {@code tapwallet}: a token wallet shaped like Apple Pay through a processor. The phone produces
 * an encrypted payment token ({@code paymentData}, base64; the control operation {@code
 * device-token} plays the phone), the merchant sends it with the amount, the answer is synchronous:
 * {@code captured} or {@code declined} (HTTP 200 in both cases, the reason in {@code
 * decline_reason}). Tokens are one-time and valid for 5 simulated minutes. The device authenticated
 * the payer, so 3-D Secure cards succeed here.
 */
public final class TapWallet extends Provider {
  private static final List<String> CODES =
      List.of(
          "card_declined",
          "insufficient_funds",
          "expired_card",
          "fraud_suspected",
          "processing_error",
          "expired_token");

  /** The provider. */
  public TapWallet() {
    super(
        "tapwallet",
        "TapWallet",
        "token wallet (device payment token, synchronous)",
        new Fees(150, 20, 1500));
  }

  @Override
  public void routes(Routes r) {
    r.post("/v1/payments", this::pay)
        .get(
            "/v1/payments/{id}",
            (ctx, req) -> ApiResponse.ok(view(require(ctx, req.param("id"), "payment"))))
        .post("/v1/payments/{id}/refunds", this::refund);
  }

  private ApiResponse pay(Ctx ctx, ApiRequest req) {
    ObjectNode b = req.body();
    String reference = Json.requiredString(b, "merchant_reference", "merchant_reference", 128);
    long amount =
        Money.amount(Json.requiredLong(b, "amount", "amount", 1, Money.MAX_MINOR), "amount");
    String currency = Money.currency(Json.requiredString(b, "currency", "currency", 3), "currency");
    ObjectNode token = Json.requiredObject(b, "payment_token", "payment_token");
    String data = Json.requiredString(token, "paymentData", "payment_token.paymentData", 8192);
    Record device = DeviceTokens.redeem(ctx, transactionId(data), "payment_token.paymentData");
    Payment p =
        ctx.newPayment(
            ctx.keyedId("tp_", "payment"),
            reference,
            amount,
            currency,
            "processing",
            Phase.PENDING);
    p.attrs.put("network", device.get("brand"));
    p.attrs.put("dpan_last4", device.get("last4"));
    device.put("used_by", p.id);
    ctx.save(device);
    String code = ctx.injectedDecline(p.id, "pay");
    if (code == null && DeviceTokens.expired(ctx, device)) {
      code = "expired_token";
    }
    if (code == null) {
      code =
          switch (TestCards.outcome(device.get("number"))) {
            case INSUFFICIENT_FUNDS -> "insufficient_funds";
            case GENERIC_DECLINE, INCORRECT_CVC -> "card_declined";
            case EXPIRED_CARD -> "expired_card";
            case FRAUD -> "fraud_suspected";
            case PROCESSING_ERROR -> "processing_error";
            default -> null;
          };
    }
    if (code != null) {
      ctx.fail(p, "declined", Phase.FAILED, code);
      ctx.emit(p, "payment.declined");
    } else {
      ctx.capture(p, amount, p.id);
      ctx.set(p, "captured", Phase.SUCCEEDED);
      ctx.emit(p, "payment.captured");
    }
    return ApiResponse.ok(view(p));
  }

  /**
   * The token id inside {@code paymentData}: base64 of {@code {"version", "data", "header":
   * {"transactionId"}}}.
   */
  private static String transactionId(String paymentData) {
    try {
      JsonNode decoded = Json.MAPPER.readTree(Base64.getDecoder().decode(paymentData));
      JsonNode id = decoded.path("header").path("transactionId");
      return id.isTextual() ? id.asText() : null;
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new ApiError(
          400,
          "invalid_payment_token",
          "payment_token.paymentData: not a base64 wallet payment token",
          "payment_token.paymentData");
    }
  }

  private ApiResponse refund(Ctx ctx, ApiRequest req) {
    Payment p = require(ctx, req.param("id"), "payment");
    if (p.phase != Phase.SUCCEEDED) {
      throw new ApiError(
          409,
          "payment_not_captured",
          "payment " + p.id + " is " + p.status + " (expected: captured)");
    }
    long amount =
        Json.optionalLong(req.body(), "amount", "amount", 1, Money.MAX_MINOR, p.netCharged());
    String refundId = ctx.keyedId("tr_", "refund");
    ctx.refund(p, amount, refundId, "amount");
    if (p.netCharged() == 0) {
      ctx.set(p, "refunded", Phase.SUCCEEDED);
    }
    ctx.emit(
        p, "refund.succeeded", view(p).put("refund_id", refundId).put("refund_amount", amount));
    return ApiResponse.ok(
        Json.object()
            .put("id", refundId)
            .put("payment_id", p.id)
            .put("amount", amount)
            .put("status", "refunded"));
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
    Record token = DeviceTokens.mint(ctx, body, "DEVICE");
    String data =
        Json.write(
            Json.object()
                .put("version", "EC_v1")
                .put(
                    "data",
                    Base64.getEncoder().encodeToString(token.id.getBytes(StandardCharsets.UTF_8)))
                .set("header", Json.object().put("transactionId", token.id)));
    ObjectNode out = Json.object();
    out.putObject("payment_token")
        .put(
            "paymentData",
            Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)))
        .put("transactionIdentifier", token.id);
    return out;
  }

  @Override
  public List<String> declineCodes() {
    return CODES;
  }

  @Override
  public ObjectNode view(Payment p) {
    ObjectNode n =
        Json.object()
            .put("id", p.id)
            .put("status", p.status)
            .put("amount", p.amount)
            .put("currency", p.currency)
            .put("merchant_reference", p.reference)
            .put("network", p.attr("network"))
            .put("dpan_last4", p.attr("dpan_last4"))
            .put("refunded_amount", p.refundedAmount)
            .put("created", p.createdMs / 1000);
    if (p.failureCode != null) {
      n.put("decline_reason", p.failureCode);
    }
    return n;
  }
}
